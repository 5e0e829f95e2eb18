using Bulwark.Erp.Data;

namespace Bulwark.Erp.Inventory;

public sealed class Warehouse : TenantEntity
{
    public required string Code { get; set; }

    public required string Name { get; set; }

    public string? Address { get; set; }

    public bool IsActive { get; set; } = true;
}
