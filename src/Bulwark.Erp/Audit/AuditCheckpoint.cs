namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: a keyed checkpoint of the audit chain: "the chain's event <see cref="Sequence"/> had hash
/// <see cref="Hash"/>, <see cref="Tombstones"/> purged events were recorded and events up to
/// <see cref="PurgedThrough"/> were removed by retention", sealed with an HMAC-SHA256 whose key is
/// outside the database. Whoever can write the database but lacks the key cannot re-hash a forged
/// chain so that it still matches a checkpoint, nor cut the tail below the latest one, nor pass a
/// deleted event off as purged. Append-only (table <c>audit_checkpoints</c>).
/// </summary>
public sealed class AuditCheckpoint
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The chain event this checkpoint covers (the head when it was taken).</summary>
    public long Sequence { get; set; }

    /// <summary>That event's hash.</summary>
    public required string Hash { get; set; }

    /// <summary>Rows in <c>audit_tombstones</c> when the checkpoint was taken.</summary>
    public long Tombstones { get; set; }

    /// <summary>Events with a sequence up to this one were removed by retention (0: none).</summary>
    public long PurgedThrough { get; set; }

    public DateTime Time { get; set; }

    /// <summary>Identifies the HMAC key (a hash prefix of it, not the key).</summary>
    public required string KeyId { get; set; }

    public required string Mac { get; set; }
}
