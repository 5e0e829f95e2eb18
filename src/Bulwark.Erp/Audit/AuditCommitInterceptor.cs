using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: appends a transaction's pending audit events to the chain as the last thing before its
/// commit. Why here and not at SaveChanges: on PostgreSQL the chain is serialized by an advisory
/// lock; taken at SaveChanges, a transaction could hold it while it waits for a row lock another
/// transaction holds while waiting for the chain (deadlock), and taken first in every unit of work,
/// it serializes every write. Taken here, after all the work, its holder only reads the chain tail,
/// inserts the events and commits — it never waits for another lock — so no deadlock is possible
/// and writes serialize only for that short append. Fail closed: if the append fails, the commit
/// throws and the whole transaction, change included, rolls back.
/// </summary>
internal sealed class AuditCommitInterceptor(AuditPending pending) : DbTransactionInterceptor
{
    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Reset(eventData);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData,
        DbTransaction result, CancellationToken cancellationToken = default)
    {
        Reset(eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } db && pending.TryGet(db, out var batch) && batch.Count > 0)
        {
            // The synchronous path would have to block on the chain lock; refusing it keeps every change audited.
            throw new NotSupportedException("LOG-3: use CommitAsync; synchronous commits are not audited.");
        }

        return result;
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } db && pending.TryGet(db, out var batch) && batch.Count > 0)
        {
            await AuditChain.AppendAsync(db, transaction, batch.Events, cancellationToken);
            batch.Clear();
        }

        return result;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Reset(eventData);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Reset(eventData);
        return Task.CompletedTask;
    }

    public override void CreatedSavepoint(DbTransaction transaction, TransactionEventData eventData) =>
        WithBatch(eventData, b => b.Savepoint(), create: true);

    public override Task CreatedSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
        CancellationToken cancellationToken = default)
    {
        WithBatch(eventData, b => b.Savepoint(), create: true);
        return Task.CompletedTask;
    }

    public override void RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData) =>
        WithBatch(eventData, b => b.RollbackToSavepoint());

    public override Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
        CancellationToken cancellationToken = default)
    {
        WithBatch(eventData, b => b.RollbackToSavepoint());
        return Task.CompletedTask;
    }

    public override void ReleasedSavepoint(DbTransaction transaction, TransactionEventData eventData) =>
        WithBatch(eventData, b => b.ReleaseSavepoint());

    public override Task ReleasedSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
        CancellationToken cancellationToken = default)
    {
        WithBatch(eventData, b => b.ReleaseSavepoint());
        return Task.CompletedTask;
    }

    private void Reset(TransactionEndEventData eventData)
    {
        if (eventData.Context is { } db)
        {
            pending.Reset(db);
        }
    }

    private void WithBatch(TransactionEventData eventData, Action<AuditPending.Batch> action, bool create = false)
    {
        if (eventData.Context is not { } db)
        {
            return;
        }

        if (create)
        {
            action(pending.For(db));
        }
        else if (pending.TryGet(db, out var batch))
        {
            action(batch);
        }
    }
}
