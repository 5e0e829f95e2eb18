using System.Reflection;
using Bulwark.Erp.Data;
using Bulwark.Security.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace Bulwark.Erp.Crypto;

/// <summary>Outcome of a <see cref="DataKeyRotator"/> run.</summary>
public sealed record DataKeyRotation(int ActiveKeyId, int RowsRotated, int RowsRemaining, int Batches);

/// <summary>
/// DATA-1: re-encrypts, across all tenants, every row whose <see cref="FieldEncryptionModel.DataKeyIdProperty"/>
/// is not the active key id, in batches of short transactions. Resumable by construction: progress is
/// the data itself (rotated rows carry the new id), so a rerun after an interruption continues where it
/// stopped. No downtime: each row is rewritten only if its <c>Version</c> is still the one read (a
/// concurrent edit wins and is not overwritten; the edit itself sealed the values under its writer's
/// active key), and the version is not bumped, so clients editing meanwhile get no spurious 409.
/// Rotation bypasses SaveChanges: re-sealing changes no business value, so no audit diff is written.
/// DATA-3: on PostgreSQL it works on the owner connection when one is configured (<see cref="OwnerDbContexts"/>): the
/// application role sees one tenant at a time through row-level security (AZ-4), and no tenant at all from a verb.
/// </summary>
public sealed class DataKeyRotator(BulwarkDbContext appDb, OwnerDbContexts owners, FieldCipher cipher)
{
    private readonly BulwarkDbContext _appDb = appDb;
    private BulwarkDbContext db = appDb;

    private static readonly MethodInfo BatchMethod =
        typeof(DataKeyRotator).GetMethod(nameof(RotateBatchAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private static readonly MethodInfo CountMethod =
        typeof(DataKeyRotator).GetMethod(nameof(CountRemainingAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

    /// <summary>Rotates up to <paramref name="maxBatches"/> batches (null: until done) of <paramref name="batchSize"/> rows.</summary>
    public async Task<DataKeyRotation> RotateAsync(int batchSize, int? maxBatches, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return await owners.RunAsync("rotate-data-keys", _appDb, async across =>
        {
            db = across;
            try
            {
                return await RotateAllAsync(batchSize, maxBatches, cancellationToken);
            }
            finally
            {
                db = _appDb;
            }
        }, cancellationToken);
    }

    private async Task<DataKeyRotation> RotateAllAsync(int batchSize, int? maxBatches, CancellationToken cancellationToken)
    {
        var rotated = 0;
        var batches = 0;
        foreach (var entityType in EncryptedEntityTypes())
        {
            while (maxBatches is null || batches < maxBatches)
            {
                var (seen, written) = await (Task<(int, int)>)BatchMethod.MakeGenericMethod(entityType.ClrType)
                    .Invoke(this, [entityType, batchSize, cancellationToken])!;
                if (seen == 0)
                {
                    break;
                }

                batches++;
                rotated += written;
                if (written == 0)
                {
                    break;   // every row of the batch changed under us: stop rather than spin; a rerun continues
                }
            }
        }

        var remaining = 0;
        foreach (var entityType in EncryptedEntityTypes())
        {
            remaining += await (Task<int>)CountMethod.MakeGenericMethod(entityType.ClrType).Invoke(this, [cancellationToken])!;
        }

        return new DataKeyRotation(cipher.ActiveKeyId, rotated, remaining, batches);
    }

    private IEnumerable<IEntityType> EncryptedEntityTypes() => db.Model.GetEntityTypes()
        .Where(t => t.FindProperty(FieldEncryptionModel.DataKeyIdProperty) is not null && typeof(TenantEntity).IsAssignableFrom(t.ClrType));

    private Task<int> CountRemainingAsync<T>(CancellationToken cancellationToken)
        where T : TenantEntity => Stale<T>().CountAsync(cancellationToken);

    private IQueryable<T> Stale<T>()
        where T : TenantEntity
    {
        var active = cipher.ActiveKeyId;
        return db.Set<T>().IgnoreQueryFilters().Where(e => EF.Property<int?>(e, FieldEncryptionModel.DataKeyIdProperty) != active);
    }

    private async Task<(int Seen, int Written)> RotateBatchAsync<T>(IEntityType entityType, int batchSize, CancellationToken cancellationToken)
        where T : TenantEntity
    {
        var encrypted = FieldEncryptionModel.EncryptedProperties(entityType);
        var active = cipher.ActiveKeyId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Reading decrypts with whichever key id each value names; writing seals under the active one.
        var rows = await Stale<T>().AsNoTracking().OrderBy(e => e.Id).Take(batchSize).ToListAsync(cancellationToken);
        var written = 0;
        foreach (var row in rows)
        {
            var id = row.Id;
            var version = row.Version;
            written += await db.Set<T>().IgnoreQueryFilters()
                .Where(e => e.Id == id && e.Version == version)
                .ExecuteUpdateAsync(setters =>
                {
                    foreach (var (property, _) in encrypted)
                    {
                        Set(setters, property, property.PropertyInfo!.GetValue(row));
                    }

                    setters.SetProperty(e => EF.Property<int?>(e, FieldEncryptionModel.DataKeyIdProperty), active);
                }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (rows.Count, written);
    }

    private static void Set<T>(UpdateSettersBuilder<T> setters, IProperty property, object? value)
    {
        var name = property.Name;
        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (type == typeof(string))
        {
            setters.SetProperty(e => EF.Property<string?>(e!, name), (string?)value);
        }
        else if (type == typeof(long))
        {
            setters.SetProperty(e => EF.Property<long?>(e!, name), (long?)value);
        }
        else
        {
            throw new NotSupportedException($"DATA-1: cannot rotate encrypted properties of type {type.Name}.");
        }
    }
}
