using Bulwark.Erp.Data;
using Bulwark.Erp.Tenants;

namespace Bulwark.Erp.Inventory;

/// <summary>Development demo data for inventory (called by the demo seeder only).</summary>
internal static class InventorySeed
{
    public static void Seed(BulwarkDbContext db, Tenant tenant)
    {
        var prefix = tenant.Slug.ToUpperInvariant();
        string[] names = ["Hex bolt M8", "Washer 8mm", "Steel plate 2mm", "Hydraulic pump", "Safety gloves"];
        for (var i = 0; i < names.Length; i++)
        {
            db.Items.Add(new Item
            {
                TenantId = tenant.Id,
                Sku = $"{prefix}-{i + 1:000}",
                Name = names[i],
                Description = $"<p>{names[i]} for the <strong>{tenant.Slug}</strong> catalogue.</p>",
                Unit = "pcs",
                UnitCostCents = (i + 1) * 1250,
            });
        }
    }
}
