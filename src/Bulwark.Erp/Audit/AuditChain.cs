using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: appends events to the one global chain. One chain for all tenants (not one per tenant):
/// a single walk verifies everything, and deleting or reordering a whole tenant's events still breaks
/// the links of the events around them. The cost is that audited writes serialize on the chain tail.
/// Writers never fork the chain: on SQLite every write transaction is BEGIN IMMEDIATE behind the
/// in-process <see cref="Data.WriteGate"/> (one writer, also across processes); on PostgreSQL a
/// transaction-scoped advisory lock (released at commit or rollback) admits one appender at a time,
/// across instances, and under READ COMMITTED the tail read after the lock sees the previous
/// holder's committed event. The unique index on Sequence is the second wall. Events are appended
/// at commit (<see cref="AuditCommitInterceptor"/>), so the lock covers only the append + commit.
/// </summary>
internal static class AuditChain
{
    /// <summary>Namespace of the chain's advisory lock ("AUDT").</summary>
    private const int LockClass = 0x41554454;

    /// <summary>
    /// PostgreSQL: takes the chain lock for the rest of the transaction (no-op on SQLite, whose write
    /// transactions are already exclusive). Taken only by <see cref="AppendAsync"/>, at commit, after
    /// all of the transaction's work: its holder never waits for a row lock, so it cannot deadlock.
    /// </summary>
    public static async Task LockAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockClass}, 0)", cancellationToken);
        }
    }

    /// <summary>
    /// Appends <paramref name="events"/> to the chain inside <paramref name="transaction"/> (the one
    /// about to commit): chain lock, tail read, sequence + link + hash for each event, insert.
    /// </summary>
    public static async Task AppendAsync(DbContext owner, DbTransaction transaction, IReadOnlyList<AuditEvent> events,
        CancellationToken cancellationToken)
    {
        await using var db = await AuditAppendContext.OpenAsync(owner, transaction, cancellationToken);
        await LockAsync(db, cancellationToken);
        // LOG-5: the tail is the newest link of the chain, wherever it now lives: a live event, the tombstone of a purged
        // security event, or the sealed anchor a retention cut left. Reading audit_events alone would reuse a purged
        // event's sequence (a second row at that place, breaking the checkpoint sealed over it).
        var live = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new ChainLink(e.Sequence, e.Hash)).FirstOrDefaultAsync(cancellationToken);
        var purged = await db.Set<AuditTombstone>().AsNoTracking().OrderByDescending(t => t.Sequence)
            .Select(t => new ChainLink(t.Sequence, t.Hash)).FirstOrDefaultAsync(cancellationToken);
        // A cut removes every event and tombstone up to the anchor, so the anchor is the tail only when nothing is left.
        var anchor = live is null && purged is null
            ? await db.Set<AuditCheckpoint>().AsNoTracking().Where(c => c.PurgedThrough > 0 && c.Sequence == c.PurgedThrough)
                .OrderByDescending(c => c.Sequence).Select(c => new ChainLink(c.Sequence, c.Hash)).FirstOrDefaultAsync(cancellationToken)
            : null;
        var tail = new[] { live, purged, anchor }.Where(l => l is not null).MaxBy(l => l!.Sequence);
        var sequence = tail?.Sequence ?? 0;
        var previousHash = tail?.Hash;
        foreach (var auditEvent in events)
        {
            auditEvent.Sequence = ++sequence;
            auditEvent.Time = AuditHash.Normalize(auditEvent.Time);
            auditEvent.PreviousHash = previousHash;
            auditEvent.Hash = AuditHash.Compute(auditEvent);
            previousHash = auditEvent.Hash;
        }

        db.AuditEvents.AddRange(events);
        await db.SaveChangesAsync(cancellationToken);
    }

    private sealed record ChainLink(long Sequence, string? Hash);
}
