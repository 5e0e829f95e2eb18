using System.Text.Json;
using Bulwark.Erp.Data;
using Bulwark.Security.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Audit;

/// <summary>What one retention run removed.</summary>
public sealed record AuditPurge(long PurgedThrough, long PrefixRemoved, long Tombstoned);

/// <summary>
/// LOG-5: retention of the audit store, keeping the chain verifiable. Record changes and the purge
/// events themselves are kept for <see cref="AuditOptions.AuditEventRetention"/> [1 y], every other
/// (security) event for <see cref="AuditOptions.SecurityEventRetention"/> [90 d]:
/// <list type="number">
/// <item>the oldest part of the chain, up to the first event younger than the audit retention, is
/// removed and a keyed anchor checkpoint is sealed at its last sequence (the walk starts there);</item>
/// <item>older security events further up are removed and each leaves a tombstone (its sequence and
/// links, no contents), whose count the same transaction seals in a checkpoint;</item>
/// <item>the purge is itself an audit event (<c>audit.purged</c>), appended in the same transaction:
/// if it cannot be written, nothing is purged (fail closed).</item>
/// </list>
/// Needs DELETE on the audit tables, which the PostgreSQL application role does not have (it may only INSERT and
/// SELECT, LOG-3): there the job and the <c>purge-audit</c> verb work on the owner connection
/// (<see cref="OwnerDbContexts"/>, DATA-3) when one is configured, else on the ordinary one (which then needs the right).
/// </summary>
public sealed class AuditRetention(BulwarkDbContext appDb, WriteGate gate, OwnerDbContexts owners, AuditCheckpoints checkpoints,
    IOptions<AuditOptions> options)
{
    /// <summary>Security events turned into tombstones per run at most (the next run continues).</summary>
    public const int MaxTombstonesPerRun = 20_000;

    public const string PurgedType = "audit.purged";

    public Task<AuditPurge> PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        owners.RunAsync("The audit retention", appDb, db => PurgeAsync(db, now, cancellationToken), cancellationToken);

    private Task<AuditPurge> PurgeAsync(BulwarkDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var unitOfWork = new UnitOfWork(db, gate);
        var settings = options.Value;
        var auditCutoff = now.UtcDateTime - settings.AuditEventRetention;
        var securityCutoff = now.UtcDateTime - settings.SecurityEventRetention;
        return unitOfWork.RunAsync(async ct =>
        {
            var tail = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
            var purgedThrough = await db.AuditCheckpoints.MaxAsync(c => (long?)c.PurgedThrough, ct) ?? 0;
            if (tail?.Hash is null)
            {
                return new AuditPurge(purgedThrough, 0, 0);
            }

            // 1. The prefix older than the audit retention.
            var firstKept = await db.AuditEvents.Where(e => e.Time >= auditCutoff).MinAsync(e => (long?)e.Sequence, ct);
            var boundary = (firstKept ?? tail.Sequence + 1) - 1;
            long prefixRemoved = 0;
            string? anchorHash = null;
            if (boundary > purgedThrough)
            {
                anchorHash = await db.AuditEvents.Where(e => e.Sequence == boundary).Select(e => e.Hash).FirstOrDefaultAsync(ct)
                    ?? await db.AuditTombstones.Where(t => t.Sequence == boundary).Select(t => t.Hash).FirstOrDefaultAsync(ct);
                if (anchorHash is null)
                {
                    throw new InvalidOperationException("LOG-5: the retention boundary is missing from the chain; run verify-audit.");
                }

                prefixRemoved = await db.AuditEvents.Where(e => e.Sequence <= boundary).ExecuteDeleteAsync(ct);
                await db.AuditTombstones.Where(t => t.Sequence <= boundary).ExecuteDeleteAsync(ct);
                purgedThrough = boundary;
            }

            // 2. Older security events further up: tombstones instead of rows.
            var expired = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Sequence > purgedThrough && e.Time < securityCutoff && e.Type != SecurityEventTypes.DataChanged && e.Type != PurgedType)
                .OrderBy(e => e.Sequence).Take(MaxTombstonesPerRun)
                .Select(e => new AuditTombstone { Sequence = e.Sequence, Type = e.Type, Time = e.Time, PreviousHash = e.PreviousHash, Hash = e.Hash! })
                .ToListAsync(ct);
            if (expired.Count > 0)
            {
                var last = expired[^1].Sequence;
                db.AuditTombstones.AddRange(expired);
                await db.SaveChangesAsync(ct);
                await db.AuditEvents
                    .Where(e => e.Sequence > purgedThrough && e.Sequence <= last && e.Time < securityCutoff
                                && e.Type != SecurityEventTypes.DataChanged && e.Type != PurgedType)
                    .ExecuteDeleteAsync(ct);
            }

            if (prefixRemoved == 0 && expired.Count == 0)
            {
                return new AuditPurge(purgedThrough, 0, 0);
            }

            // 3. Seal the new state (anchor or head + tombstone count) and audit the purge itself.
            var tombstones = await db.AuditTombstones.LongCountAsync(ct);
            db.AuditCheckpoints.Add(anchorHash is not null
                ? checkpoints.Seal(purgedThrough, anchorHash, tombstones, purgedThrough)
                : checkpoints.Seal(tail.Sequence, tail.Hash, tombstones, purgedThrough));
            db.AuditEvents.Add(new AuditEvent
            {
                Type = PurgedType,
                Outcome = AuditOutcomes.Success,
                Time = now.UtcDateTime,
                ActorId = "system",
                Action = "purge",
                Reason = "retention",
                Data = JsonSerializer.Serialize(new AuditPurgeData(purgedThrough, prefixRemoved, expired.Count, auditCutoff, securityCutoff),
                    AuditJsonContext.Default.AuditPurgeData),
            });
            return new AuditPurge(purgedThrough, prefixRemoved, expired.Count);
        }, cancellationToken);
    }
}
