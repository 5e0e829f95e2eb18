using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Audit;

/// <summary>The outcome of walking the audit chain: valid with the number of events, or the first broken link.</summary>
public sealed record AuditVerification(bool IsValid, long Count, long? BrokenSequence, string? Reason)
{
    /// <summary>Verified events of the tenant asked about (<see cref="AuditVerifier.VerifyAsync(Guid?, CancellationToken)"/>).</summary>
    public long TenantCount { get; init; }

    /// <summary>The event at the broken link, when there is one (not for a gap: deleted events have no row).</summary>
    public Guid? BrokenEventId { get; init; }

    /// <summary>The tenant of the event at the broken link.</summary>
    public Guid? BrokenTenantId { get; init; }

    /// <summary>Keyed checkpoints whose MAC was verified.</summary>
    public long Checkpoints { get; init; }

    /// <summary>Purged events (tombstones) whose links were verified.</summary>
    public long Tombstones { get; init; }

    /// <summary>Events up to this sequence were removed by retention (the walk starts after it).</summary>
    public long PurgedThrough { get; init; }
}

/// <summary>
/// LOG-3: walks the chain in sequence order and reports the first broken link: a missing sequence
/// (deleted events), an event that does not link to the one before it (inserted or reordered), an
/// event whose contents no longer match its hash (edited). Keyed checkpoints add what an unkeyed
/// chain cannot show: every checkpoint's MAC must hold, the chain must pass through each
/// checkpoint's hash (a re-hashed forgery does not), it must reach the latest checkpoint (a cut
/// tail does not), the tombstone count must be the sealed one, and a purged prefix is accepted only
/// behind a sealed retention anchor. Reads the events in windows; never loads the table.
/// </summary>
public sealed class AuditVerifier(BulwarkDbContext db, AuditCheckpoints sealer)
{
    private const int Window = 2_000;

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken) => VerifyAsync(null, cancellationToken);

    /// <summary>Walks the whole chain; also counts the verified events of <paramref name="tenantId"/>.</summary>
    public async Task<AuditVerification> VerifyAsync(Guid? tenantId, CancellationToken cancellationToken)
    {
        // LOG-3: on PostgreSQL the whole walk reads one snapshot, so appends, checkpoints and a retention purge committed
        // while it runs cannot make it see an event and its tombstone both, or a checkpoint without its event (a false
        // alarm). SQLite's readers are not given that guarantee here (each query is its own snapshot).
        await using var snapshot = db.Database.IsNpgsql() && db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken)
            : null;
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.Sequence).ThenBy(c => c.Time).ToListAsync(cancellationToken);
        foreach (var checkpoint in checkpoints)
        {
            if (sealer.Check(checkpoint) is { } forged)
            {
                return new AuditVerification(false, 0, checkpoint.Sequence, forged);
            }
        }

        var walk = new Walk(tenantId, checkpoints);
        if (walk.Start() is { } anchorless)
        {
            return anchorless;
        }

        var last = Math.Max(
            await db.AuditEvents.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0,
            await db.AuditTombstones.MaxAsync(t => (long?)t.Sequence, cancellationToken) ?? 0);
        for (var low = walk.Expected; low <= last; low += Window)
        {
            var high = low + Window;
            var events = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence >= low && e.Sequence < high)
                .OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
            var tombstones = await db.AuditTombstones.AsNoTracking().Where(t => t.Sequence >= low && t.Sequence < high)
                .OrderBy(t => t.Sequence).ToListAsync(cancellationToken);
            if (walk.Step(events, tombstones) is { } broken)
            {
                return broken;
            }
        }

        var tombstoneRows = await db.AuditTombstones.LongCountAsync(cancellationToken);
        return walk.Finish(tombstoneRows);
    }

    /// <summary>The state of one walk along the chain.</summary>
    private sealed class Walk(Guid? tenantId, List<AuditCheckpoint> checkpoints)
    {
        private readonly ILookup<long, AuditCheckpoint> _bySequence = checkpoints.ToLookup(c => c.Sequence);
        private long _count;
        private long _tenantCount;
        private long _tombstones;
        private long _purgedThrough;
        private string? _previousHash;

        public long Expected { get; private set; } = 1;

        /// <summary>Starts after the newest retention anchor, whose hash the first kept link must name.</summary>
        public AuditVerification? Start()
        {
            var anchor = checkpoints.Where(c => c.PurgedThrough > 0).MaxBy(c => c.PurgedThrough);
            if (anchor is null)
            {
                return null;
            }

            var at = checkpoints.FirstOrDefault(c => c.Sequence == anchor.PurgedThrough);
            if (at is null)
            {
                return Broken(anchor.PurgedThrough, "checkpoints: no sealed anchor at the retention boundary", null);
            }

            _purgedThrough = anchor.PurgedThrough;
            _previousHash = at.Hash;
            Expected = anchor.PurgedThrough + 1;
            return null;
        }

        public AuditVerification? Step(List<AuditEvent> events, List<AuditTombstone> tombstones)
        {
            int e = 0, t = 0;
            while (e < events.Count || t < tombstones.Count)
            {
                var useEvent = t >= tombstones.Count || (e < events.Count && events[e].Sequence <= tombstones[t].Sequence);
                var sequence = useEvent ? events[e].Sequence : tombstones[t].Sequence;
                if (sequence != Expected)
                {
                    return sequence > Expected
                        ? Broken(Expected, $"deleted: events {Expected}..{sequence - 1} are missing (gap before sequence {sequence})", null)
                        : Broken(sequence, "inserted: sequence out of order", useEvent ? events[e] : null);
                }

                string hash;
                if (useEvent)
                {
                    var auditEvent = events[e++];
                    if (!string.Equals(auditEvent.PreviousHash, _previousHash, StringComparison.Ordinal))
                    {
                        return Broken(sequence, "inserted: does not link to the event before it (inserted, reordered or its predecessor rewritten)", auditEvent);
                    }

                    if (!string.Equals(AuditHash.Compute(auditEvent), auditEvent.Hash, StringComparison.Ordinal))
                    {
                        return Broken(sequence, "edited: contents do not match its hash", auditEvent);
                    }

                    hash = auditEvent.Hash!;
                    _count++;
                    if (tenantId is not null && auditEvent.TenantId == tenantId)
                    {
                        _tenantCount++;
                    }
                }
                else
                {
                    var tombstone = tombstones[t++];
                    if (!string.Equals(tombstone.PreviousHash, _previousHash, StringComparison.Ordinal))
                    {
                        return Broken(sequence, "inserted: a purged event's tombstone does not link to the event before it", null);
                    }

                    hash = tombstone.Hash;
                    _tombstones++;
                }

                foreach (var checkpoint in _bySequence[sequence])
                {
                    if (!string.Equals(checkpoint.Hash, hash, StringComparison.Ordinal))
                    {
                        return Broken(sequence, $"rewritten: the chain no longer passes through the keyed checkpoint at sequence {sequence} (re-hashed forgery)",
                            useEvent ? events[e - 1] : null);
                    }
                }

                _previousHash = hash;
                Expected++;
            }

            return null;
        }

        public AuditVerification Finish(long tombstoneRows)
        {
            var latest = checkpoints.Count == 0 ? null : checkpoints[^1];
            if (latest is not null && latest.Sequence >= Expected)
            {
                return Broken(Expected, $"truncated: the keyed checkpoint covers sequence {latest.Sequence} but the chain ends at {Expected - 1}", null);
            }

            // The newest checkpoint (by time: a purge seals its anchor below the head) holds the tombstone count.
            var newest = checkpoints.MaxBy(c => c.Time);
            if (newest is not null && newest.Tombstones != tombstoneRows)
            {
                return Broken(newest.Sequence,
                    $"tombstones: {tombstoneRows} purged events recorded but the latest checkpoint sealed {newest.Tombstones} (an event deleted and passed off as purged)", null);
            }

            return new AuditVerification(true, _count, null, null) with
            {
                TenantCount = _tenantCount, Checkpoints = checkpoints.Count, Tombstones = _tombstones, PurgedThrough = _purgedThrough,
            };
        }

        private AuditVerification Broken(long sequence, string reason, AuditEvent? at) =>
            new(false, _count, sequence, reason)
            {
                TenantCount = _tenantCount, BrokenEventId = at?.Id, BrokenTenantId = at?.TenantId, Checkpoints = checkpoints.Count,
            };
    }
}
