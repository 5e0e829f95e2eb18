using Bulwark.Erp.Tenants;

namespace Bulwark.Erp.Ledger;

/// <summary>
/// Development demo data for the ledger (called by the demo seeder only): a small chart of accounts
/// and a few balanced entries — posted ones, a posted entry reversed by a correcting entry, and a draft.
/// </summary>
internal static class LedgerSeed
{
    public static void Seed(Data.BulwarkDbContext db, Tenant tenant)
    {
        (string Code, string Name, string Type)[] chart =
        [
            ("1000", "Cash", "asset"),
            ("1100", "Bank", "asset"),
            ("1200", "Accounts receivable", "asset"),
            ("1500", "Inventory", "asset"),
            ("2000", "Accounts payable", "liability"),
            ("2100", "VAT payable", "liability"),
            ("3000", "Share capital", "equity"),
            ("4000", "Sales revenue", "revenue"),
            ("5000", "Cost of goods sold", "expense"),
            ("6000", "Rent expense", "expense"),
        ];
        var accounts = new Dictionary<string, Account>(StringComparer.Ordinal);
        foreach (var (code, name, type) in chart)
        {
            var account = new Account { TenantId = tenant.Id, Code = code, Name = name, Type = type };
            accounts[code] = account;
            db.Accounts.Add(account);
        }

        // The two demo tenants get different amounts, so a leak between them would show.
        var scale = tenant.Slug == "demo" ? 1L : 3L;
        var now = DateTime.UtcNow;
        var start = DateOnly.FromDateTime(now).AddDays(-60);
        var number = 0;

        JournalEntry Entry(int day, string memo, bool posted, params (string Code, long Debit, long Credit)[] lines)
        {
            var entry = new JournalEntry
            {
                TenantId = tenant.Id,
                Number = JournalEntryService.FormatNumber(++number),
                Date = start.AddDays(day),
                Memo = memo,
                Status = posted ? LedgerContracts.Posted : LedgerContracts.Draft,
                PostedAt = posted ? now : null,
                Lines = lines.Select((l, i) => new JournalLine
                {
                    TenantId = tenant.Id,
                    LineNo = i + 1,
                    AccountId = accounts[l.Code].Id,
                    DebitCents = l.Debit * scale * 100,
                    CreditCents = l.Credit * scale * 100,
                }).ToList(),
            };
            db.JournalEntries.Add(entry);
            return entry;
        }

        Entry(0, "Share capital paid in", true, ("1100", 50_000, 0), ("3000", 0, 50_000));
        Entry(5, "Invoice 1001\nNet 30 days", true, ("1200", 12_000, 0), ("4000", 0, 10_000), ("2100", 0, 2_000));
        var wrongRent = Entry(10, "Office rent (wrong amount)", true, ("6000", 2_500, 0), ("1100", 0, 2_500));
        var reversal = Entry(12, "Reversal of " + wrongRent.Number, true, ("1100", 2_500, 0), ("6000", 0, 2_500));
        reversal.ReversalOfId = wrongRent.Id;
        wrongRent.ReversedById = reversal.Id;
        Entry(12, "Office rent", true, ("6000", 2_400, 0), ("1100", 0, 2_400));
        Entry(20, "Stock purchase (awaiting approval)", false, ("1500", 3_000, 0), ("2000", 0, 3_000));
    }
}
