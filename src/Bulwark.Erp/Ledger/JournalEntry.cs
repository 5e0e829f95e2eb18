using Bulwark.Erp.Data;

namespace Bulwark.Erp.Ledger;

/// <summary>
/// A journal entry (DATA-6): its lines must balance (total debit = total credit); once posted it is
/// immutable, and a correction is a new reversing entry that points back at it.
/// </summary>
public sealed class JournalEntry : TenantEntity
{
    public required string Number { get; set; }

    public DateOnly Date { get; set; }

    /// <summary>Plain text (multi-line allowed, no markup).</summary>
    public string? Memo { get; set; }

    /// <summary>draft or posted.</summary>
    public required string Status { get; set; }

    public DateTime? PostedAt { get; set; }

    public Guid? ReversalOfId { get; set; }

    public Guid? ReversedById { get; set; }

    public List<JournalLine> Lines { get; set; } = [];
}
