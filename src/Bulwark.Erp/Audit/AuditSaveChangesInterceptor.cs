using System.Diagnostics;
using System.Runtime.CompilerServices;
using Bulwark.Erp.Tenants;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: every created, updated or deleted record gets a <see cref="SecurityEventTypes.DataChanged"/>
/// audit event with its field diff, described at SaveChanges and appended to the chain in the same
/// transaction as the change, right before it commits (<see cref="AuditCommitInterceptor"/>). Fail
/// closed: if the audit row cannot be written, the commit throws, the transaction rolls back and the
/// change is not committed (the request ends in a generic 500). Audit events added to the context
/// directly (the security-event writer) take the same path.
/// Audit rows are append-only here: updating or deleting one through EF is refused.
/// Writes that bypass SaveChanges (ExecuteUpdate/ExecuteSql) are not seen; feature code keeps those
/// to counters (stock levels), whose movement records are audited.
/// </summary>
internal sealed class AuditSaveChangesInterceptor(TimeProvider time, IHttpContextAccessor accessor, AuditPending pending) : SaveChangesInterceptor
{
    private const string SystemActor = "system";

    /// <summary>Transactions this interceptor opened because the caller saved without one.</summary>
    private readonly ConditionalWeakTable<DbContext, IDbContextTransaction> _owned = [];

    /// <summary>How many events were pending before the current save (dropped back to if it fails).</summary>
    private readonly ConditionalWeakTable<DbContext, SaveMark> _saveMarks = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        // LOG-3: the synchronous path would have to block on the chain lock; refusing it keeps every save audited.
        throw new NotSupportedException("LOG-3: use SaveChangesAsync; synchronous saves are not audited.");

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } db)
        {
            await AppendAsync(db, cancellationToken);
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is not { } db)
        {
            return result;
        }

        _saveMarks.Remove(db);
        if (_owned.TryGetValue(db, out var transaction))
        {
            _owned.Remove(db);
            // LOG-3: the commit appends the pending events to the chain (AuditCommitInterceptor).
            await using (transaction)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }

        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return eventData.Context is { } db ? AbandonAsync(db) : Task.CompletedTask;
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return eventData.Context is { } db ? AbandonAsync(db) : Task.CompletedTask;
    }

    private async Task AppendAsync(DbContext db, CancellationToken cancellationToken)
    {
        var added = new List<AuditEvent>();
        List<AuditEvent>? changes = null;
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.Entity is AuditEvent auditEvent)
            {
                switch (entry.State)
                {
                    case EntityState.Added:
                        added.Add(auditEvent);
                        break;
                    case EntityState.Modified or EntityState.Deleted:
                        throw new InvalidOperationException("LOG-3: audit events are append-only.");
                }

                continue;
            }

            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            if (entry.Entity is AuditCheckpoint or AuditTombstone)
            {
                // The audit store's own bookkeeping is sealed by checkpoints, not described as record changes.
                continue;
            }

            var data = AuditDiff.Describe(entry);
            if (data is null)
            {
                continue;
            }

            changes ??= [];
            changes.Add(Describe(entry, data, now));
        }

        if (changes is not null)
        {
            added.AddRange(changes);
        }

        if (added.Count == 0)
        {
            return;
        }

        // Appended at commit, not by this save: out of the business context's change tracker.
        foreach (var auditEvent in added)
        {
            db.Entry(auditEvent).State = EntityState.Detached;
        }

        if (db.Database.CurrentTransaction is null)
        {
            // Opened before the events are handed over: starting a transaction resets the pending list.
            _owned.AddOrUpdate(db, await db.Database.BeginTransactionAsync(cancellationToken));
        }

        var batch = pending.For(db);
        _saveMarks.AddOrUpdate(db, new SaveMark(batch.Count));
        batch.AddRange(added);
    }

    private AuditEvent Describe(EntityEntry entry, string data, DateTime now)
    {
        var http = accessor.HttpContext;
        var caller = CallerContext.From(http?.User);
        var id = entry.Metadata.FindPrimaryKey()?.Properties is { } key
            ? string.Join(',', key.Select(p => entry.Property(p.Name).CurrentValue))
            : null;
        return new AuditEvent
        {
            Type = SecurityEventTypes.DataChanged,
            Outcome = AuditOutcomes.Success,
            Time = now,
            TenantId = TenantOf(entry),
            ActorId = caller?.UserId.ToString() ?? SystemActor,
            ClientIp = http?.Connection.RemoteIpAddress?.ToString(),
            Resource = entry.Metadata.ClrType.Name + "/" + id,
            Action = entry.State switch
            {
                EntityState.Added => "create",
                EntityState.Deleted => "delete",
                _ => "update",
            },
            TraceId = Activity.Current?.TraceId.ToString() ?? http?.TraceIdentifier,
            Data = data,
        };
    }

    private static Guid? TenantOf(EntityEntry entry) => entry.Entity switch
    {
        Data.TenantEntity owned => owned.TenantId,
        Tenant tenant => tenant.Id,
        _ => entry.Metadata.FindProperty("TenantId") is not null ? entry.Property("TenantId").CurrentValue as Guid? : null,
    };

    private async Task AbandonAsync(DbContext db)
    {
        // The audit events of a failed save describe a change that did not happen: never append them.
        if (_saveMarks.TryGetValue(db, out var mark) && pending.TryGet(db, out var batch))
        {
            batch.TruncateTo(mark.Count);
        }

        _saveMarks.Remove(db);

        if (_owned.TryGetValue(db, out var transaction))
        {
            _owned.Remove(db);
            await transaction.DisposeAsync();   // disposing an uncommitted transaction rolls it back
        }
    }

    private sealed record SaveMark(int Count);
}
