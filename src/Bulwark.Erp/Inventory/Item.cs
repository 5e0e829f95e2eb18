using Bulwark.Erp.Data;

namespace Bulwark.Erp.Inventory;

/// <summary>A stock-keeping item. <see cref="Description"/> is rich text, stored sanitized (VAL-4).</summary>
public sealed class Item : TenantEntity
{
    public required string Sku { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public required string Unit { get; set; }

    public long UnitCostCents { get; set; }

    public bool IsActive { get; set; } = true;
}
