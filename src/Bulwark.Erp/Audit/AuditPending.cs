using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: the audit events a context's open transaction has produced but not yet appended to the
/// chain. They are described at SaveChanges (same transaction as the change) and appended by
/// <see cref="AuditCommitInterceptor"/> right before the commit, so the chain lock is held only for
/// the append + commit. Savepoints are tracked: rolling back to one drops the events produced after it.
/// </summary>
internal sealed class AuditPending
{
    private readonly ConditionalWeakTable<DbContext, Batch> _batches = [];

    public Batch For(DbContext db) => _batches.GetValue(db, _ => new Batch());

    public bool TryGet(DbContext db, out Batch batch) => _batches.TryGetValue(db, out batch!);

    public void Reset(DbContext db)
    {
        if (_batches.TryGetValue(db, out var batch))
        {
            batch.Clear();
        }
    }

    internal sealed class Batch
    {
        private readonly List<AuditEvent> _events = [];
        /// <summary>
        /// Event counts at each open savepoint, innermost last. EF Core does not pass the savepoint's
        /// name to interceptors, so a rollback or release applies to the innermost one — which is what
        /// EF Core's own per-save savepoints and the nested create/rollback pattern of feature code do.
        /// </summary>
        private readonly Stack<int> _savepoints = new();

        public IReadOnlyList<AuditEvent> Events => _events;

        public int Count => _events.Count;

        public void AddRange(IEnumerable<AuditEvent> events) => _events.AddRange(events);

        /// <summary>Drops the events added after <paramref name="count"/> (a failed save, a rolled-back savepoint).</summary>
        public void TruncateTo(int count)
        {
            if (count < _events.Count)
            {
                _events.RemoveRange(count, _events.Count - count);
            }
        }

        public void Savepoint() => _savepoints.Push(_events.Count);

        public void RollbackToSavepoint()
        {
            if (_savepoints.TryPop(out var count))
            {
                TruncateTo(count);
            }
        }

        public void ReleaseSavepoint() => _savepoints.TryPop(out _);

        public void Clear()
        {
            _events.Clear();
            _savepoints.Clear();
        }
    }
}
