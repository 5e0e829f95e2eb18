using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Audit;

/// <summary>The outcome of walking the audit chain: valid with the number of events, or the first broken link.</summary>
public sealed record AuditVerification(bool IsValid, long Count, long? BrokenSequence, string? Reason);

/// <summary>
/// LOG-3: walks the chain in sequence order and reports the first broken link: a missing sequence
/// (deleted events), an event that does not link to the one before it (inserted or reordered), or
/// an event whose contents no longer match its hash (edited). Streams rows; never loads the table.
/// </summary>
public sealed class AuditVerifier(BulwarkDbContext db)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        long count = 0;
        long expected = 1;
        string? previousHash = null;
        var events = db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable();
        await foreach (var auditEvent in events.WithCancellation(cancellationToken))
        {
            if (auditEvent.Sequence != expected)
            {
                return auditEvent.Sequence > expected
                    ? Broken(count, expected, $"deleted: events {expected}..{auditEvent.Sequence - 1} are missing (gap before sequence {auditEvent.Sequence})")
                    : Broken(count, auditEvent.Sequence, "inserted: sequence out of order");
            }

            if (!string.Equals(auditEvent.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return Broken(count, auditEvent.Sequence, "inserted: does not link to the event before it (inserted, reordered or its predecessor rewritten)");
            }

            if (!string.Equals(AuditHash.Compute(auditEvent), auditEvent.Hash, StringComparison.Ordinal))
            {
                return Broken(count, auditEvent.Sequence, "edited: contents do not match its hash");
            }

            previousHash = auditEvent.Hash;
            expected++;
            count++;
        }

        return new AuditVerification(true, count, null, null);
    }

    private static AuditVerification Broken(long count, long sequence, string reason) => new(false, count, sequence, reason);
}
