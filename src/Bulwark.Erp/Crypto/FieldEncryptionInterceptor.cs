using System.Collections.Concurrent;
using Bulwark.Security.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Bulwark.Erp.Crypto;

/// <summary>
/// DATA-1 on every save: a row whose encrypted values are written gets all of them re-sealed under the
/// active key (so one <see cref="FieldEncryptionModel.DataKeyIdProperty"/> describes the whole row) and
/// its blind indexes recomputed from the clear values (scoped by tenant).
/// </summary>
internal sealed class FieldEncryptionInterceptor(FieldCipher cipher) : SaveChangesInterceptor
{
    private readonly ConcurrentDictionary<IEntityType, Plan> _plans = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Stamp(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Stamp(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    private void Stamp(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            var plan = _plans.GetOrAdd(entry.Metadata, t => new Plan(
                FieldEncryptionModel.EncryptedProperties(t), FieldEncryptionModel.BlindIndexes(t),
                t.FindProperty(FieldEncryptionModel.DataKeyIdProperty)));
            if (plan.Encrypted.Count > 0)
            {
                StampKey(entry, plan);
            }

            foreach (var (index, source, purpose) in plan.Indexes)
            {
                var sourceEntry = entry.Property(source);
                if (entry.State == EntityState.Added || sourceEntry.IsModified)
                {
                    var scope = entry.Property("TenantId").CurrentValue?.ToString() ?? string.Empty;
                    entry.Property(index.Name).CurrentValue = sourceEntry.CurrentValue is string clear
                        ? cipher.BlindIndex(purpose, scope, clear)
                        : null;
                }
            }
        }
    }

    private void StampKey(EntityEntry entry, Plan plan)
    {
        var written = entry.State == EntityState.Added || plan.Encrypted.Any(p => entry.Property(p.Property.Name).IsModified);
        if (!written)
        {
            return;
        }

        if (entry.State == EntityState.Modified)
        {
            foreach (var (property, _) in plan.Encrypted)
            {
                entry.Property(property.Name).IsModified = true;
            }
        }

        if (plan.DataKeyId is not null)
        {
            entry.Property(plan.DataKeyId.Name).CurrentValue = (int?)cipher.ActiveKeyId;
        }
    }

    private sealed record Plan(
        IReadOnlyList<(IProperty Property, string Purpose)> Encrypted,
        IReadOnlyList<(IProperty Index, string Source, string Purpose)> Indexes,
        IProperty? DataKeyId);
}
