namespace Bulwark.Erp.Data;

/// <summary>
/// Money is stored as integer minor units (cents) so sums and comparisons are exact and identical on
/// SQLite and PostgreSQL; the API speaks decimals with at most two places.
/// </summary>
public static class Money
{
    public static long ToCents(decimal amount) => (long)decimal.Round(amount * 100m, 0, MidpointRounding.ToEven);

    public static decimal FromCents(long cents) => cents / 100m;
}
