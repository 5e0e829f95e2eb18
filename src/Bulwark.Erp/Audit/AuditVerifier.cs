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
}

/// <summary>
/// LOG-3: walks the chain in sequence order and reports the first broken link: a missing sequence
/// (deleted events), an event that does not link to the one before it (inserted or reordered), or
/// an event whose contents no longer match its hash (edited). Streams rows; never loads the table.
/// </summary>
public sealed class AuditVerifier(BulwarkDbContext db)
{
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken) => VerifyAsync(null, cancellationToken);

    /// <summary>Walks the whole chain; also counts the verified events of <paramref name="tenantId"/>.</summary>
    public async Task<AuditVerification> VerifyAsync(Guid? tenantId, CancellationToken cancellationToken)
    {
        long count = 0;
        long tenantCount = 0;
        long expected = 1;
        string? previousHash = null;
        var events = db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable();
        await foreach (var auditEvent in events.WithCancellation(cancellationToken))
        {
            if (auditEvent.Sequence != expected)
            {
                return auditEvent.Sequence > expected
                    ? Broken(count, expected, $"deleted: events {expected}..{auditEvent.Sequence - 1} are missing (gap before sequence {auditEvent.Sequence})") with { TenantCount = tenantCount }
                    : Broken(count, auditEvent.Sequence, "inserted: sequence out of order", auditEvent, tenantCount);
            }

            if (!string.Equals(auditEvent.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return Broken(count, auditEvent.Sequence, "inserted: does not link to the event before it (inserted, reordered or its predecessor rewritten)", auditEvent, tenantCount);
            }

            if (!string.Equals(AuditHash.Compute(auditEvent), auditEvent.Hash, StringComparison.Ordinal))
            {
                return Broken(count, auditEvent.Sequence, "edited: contents do not match its hash", auditEvent, tenantCount);
            }

            previousHash = auditEvent.Hash;
            expected++;
            count++;
            if (tenantId is not null && auditEvent.TenantId == tenantId)
            {
                tenantCount++;
            }
        }

        return new AuditVerification(true, count, null, null) { TenantCount = tenantCount };
    }

    private static AuditVerification Broken(long count, long sequence, string reason) => new(false, count, sequence, reason);

    private static AuditVerification Broken(long count, long sequence, string reason, AuditEvent at, long tenantCount) =>
        new(false, count, sequence, reason) { TenantCount = tenantCount, BrokenEventId = at.Id, BrokenTenantId = at.TenantId };
}
