using Bulwark.Erp.Data;

namespace Bulwark.Erp.Ledger;

/// <summary>An account of the chart of accounts. Its balance is derived from posted lines, never stored or bound.</summary>
public sealed class Account : TenantEntity
{
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>asset, liability, equity, revenue or expense.</summary>
    public required string Type { get; set; }

    public bool IsActive { get; set; } = true;
}
