using Bulwark.Erp.Data;

namespace Bulwark.Erp.Inventory;

/// <summary>
/// Quantity of one item in one warehouse. Changed only by stock movements, through a conditional
/// update that never lets it go negative (DATA-6) — a database CHECK backs that up.
/// </summary>
public sealed class StockLevel : TenantEntity
{
    public Guid ItemId { get; set; }

    public Guid WarehouseId { get; set; }

    public long Quantity { get; set; }
}
