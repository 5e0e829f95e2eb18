namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-5: what is left of an audit event that retention purged from the middle of the chain (a
/// security event past its retention): its place and links, so the chain still verifies around it.
/// The contents are gone on purpose; the count of tombstones is sealed by the next keyed checkpoint,
/// so a tombstone slipped in later to hide a deleted event is detected. Table <c>audit_tombstones</c>.
/// </summary>
public sealed class AuditTombstone
{
    public long Sequence { get; set; }

    public required string Type { get; set; }

    public DateTime Time { get; set; }

    public string? PreviousHash { get; set; }

    public required string Hash { get; set; }
}
