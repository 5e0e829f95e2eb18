using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Ledger;

public sealed class LedgerReportService(BulwarkDbContext db)
{
    /// <summary>
    /// Per account with posted activity up to <paramref name="asOf"/>: debit and credit totals and
    /// balance (debit − credit), summed by the database in integer cents. Every account with activity
    /// is listed, deactivated ones included (flagged): leaving one out would unbalance the report.
    /// </summary>
    public async Task<TrialBalanceResponse> TrialBalanceAsync(DateOnly? asOf, CancellationToken cancellationToken)
    {
        var totals = LedgerQueries.PostedLines(db, asOf)
            .GroupBy(l => l.AccountId)
            .Select(g => new { AccountId = g.Key, Debit = g.Sum(l => l.DebitCents), Credit = g.Sum(l => l.CreditCents) });
        var rows = await (
                from a in db.Accounts.AsNoTracking()
                join t in totals on a.Id equals t.AccountId
                orderby a.Code
                select new { a.Id, a.Code, a.Name, a.Type, a.IsActive, t.Debit, t.Credit })
            .ToListAsync(cancellationToken);

        long totalDebit = 0, totalCredit = 0;
        var accounts = new List<TrialBalanceRow>(rows.Count);
        foreach (var row in rows)
        {
            totalDebit = checked(totalDebit + row.Debit);
            totalCredit = checked(totalCredit + row.Credit);
            accounts.Add(new TrialBalanceRow(row.Id, row.Code, row.Name, row.Type, row.IsActive,
                Money.FromCents(row.Debit), Money.FromCents(row.Credit), Money.FromCents(row.Debit - row.Credit)));
        }

        return new TrialBalanceResponse(asOf, accounts, Money.FromCents(totalDebit), Money.FromCents(totalCredit),
            Money.FromCents(totalDebit - totalCredit));
    }
}
