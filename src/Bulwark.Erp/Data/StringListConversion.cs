using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bulwark.Erp.Data;

internal static class StringListConversion
{
    /// <summary>
    /// A short list of names from a fixed catalogue (roles, permissions: no commas) stored as one comma-separated
    /// column, the same on SQLite and PostgreSQL.
    /// </summary>
    public static PropertyBuilder<List<string>> HasCommaSeparatedConversion(this PropertyBuilder<List<string>> property) =>
        property.HasConversion(
            values => string.Join(',', values),
            value => value.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList(),
            new ValueComparer<List<string>>(
                (a, b) => a!.SequenceEqual(b!),
                v => v.Aggregate(0, (h, r) => HashCode.Combine(h, r.GetHashCode(StringComparison.Ordinal))),
                v => v.ToList()));
}
