using Bulwark.Erp.Data;

namespace Bulwark.Erp.Ledger;

/// <summary>Query building blocks shared by balances and reports (tenant-filtered like every set).</summary>
internal static class LedgerQueries
{
    /// <summary>Lines of posted entries dated on or before <paramref name="asOf"/> (all dates when null).</summary>
    public static IQueryable<JournalLine> PostedLines(BulwarkDbContext db, DateOnly? asOf)
    {
        var entries = db.JournalEntries.Where(e => e.Status == LedgerContracts.Posted);
        if (asOf is { } date)
        {
            entries = entries.Where(e => e.Date <= date);
        }

        return entries.SelectMany(e => e.Lines);
    }
}
