namespace Bulwark.Erp.Ledger;

/// <summary>One line of a journal entry: either a debit or a credit on one account (integer cents).</summary>
public sealed class JournalLine
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid EntryId { get; set; }

    public Guid TenantId { get; set; }

    public int LineNo { get; set; }

    public Guid AccountId { get; set; }

    public long DebitCents { get; set; }

    public long CreditCents { get; set; }

    public string? Description { get; set; }
}
