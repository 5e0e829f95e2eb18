using Bulwark.Erp.Data;

namespace Bulwark.Erp.Inventory;

/// <summary>An immutable record of stock moving: receipt, issue, transfer or adjustment.</summary>
public sealed class StockMovement : TenantEntity
{
    /// <summary>receipt, issue, transfer or adjustment.</summary>
    public required string Type { get; set; }

    public Guid ItemId { get; set; }

    public Guid? FromWarehouseId { get; set; }

    public Guid? ToWarehouseId { get; set; }

    /// <summary>Always positive; adjustments carry their sign in <see cref="FromWarehouseId"/>/<see cref="ToWarehouseId"/>.</summary>
    public long Quantity { get; set; }

    public string? Reference { get; set; }

    public Guid? CreatedBy { get; set; }
}
