using Bulwark.Erp.Data;
using Bulwark.Erp.Tenants;
using Bulwark.Erp.Users;

namespace Bulwark.Erp.Inventory;

/// <summary>Development demo data for inventory (called by the demo seeder only).</summary>
internal static class InventorySeed
{
    public static void Seed(BulwarkDbContext db, Tenant tenant)
    {
        var prefix = tenant.Slug.ToUpperInvariant();
        string[] names = ["Hex bolt M8", "Washer 8mm", "Steel plate 2mm", "Hydraulic pump", "Safety gloves"];
        var items = new List<Item>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            var item = new Item
            {
                TenantId = tenant.Id,
                Sku = $"{prefix}-{i + 1:000}",
                Name = names[i],
                Description = $"<p>{names[i]} for the <strong>{tenant.Slug}</strong> catalogue.</p>",
                Unit = "pcs",
                UnitCostCents = (i + 1) * 1250,
            };
            db.Items.Add(item);
            items.Add(item);
        }

        var main = new Warehouse
        {
            TenantId = tenant.Id,
            Code = $"{prefix}-MAIN",
            Name = "Main warehouse",
            Address = "1 Harbour Road\nDocklands",
        };
        var west = new Warehouse
        {
            TenantId = tenant.Id,
            Code = $"{prefix}-WEST",
            Name = "West depot",
            Address = "12 Mill Lane\nWestfield",
        };
        db.Warehouses.AddRange(main, west);

        // The levels are exactly what the movements below add up to, as if they had been posted.
        var author = db.Users.Local.FirstOrDefault(u => u.TenantId == tenant.Id && u.Roles.Contains(Roles.Inventory))?.Id;
        var levels = new Dictionary<(Guid Item, Guid Warehouse), long>();
        var start = DateTime.UtcNow.AddDays(-7);
        var sequence = 0;

        void Move(string type, Item item, Warehouse? from, Warehouse? to, long quantity, string reference)
        {
            db.StockMovements.Add(new StockMovement
            {
                TenantId = tenant.Id,
                Type = type,
                ItemId = item.Id,
                FromWarehouseId = from?.Id,
                ToWarehouseId = to?.Id,
                Quantity = quantity,
                Reference = reference,
                CreatedBy = author,
                CreatedAt = start.AddHours(sequence++),
            });
            if (from is not null)
            {
                levels[(item.Id, from.Id)] -= quantity;
            }

            if (to is not null)
            {
                levels[(item.Id, to.Id)] = levels.GetValueOrDefault((item.Id, to.Id)) + quantity;
            }
        }

        for (var i = 0; i < items.Count; i++)
        {
            Move(StockMovementTypes.Receipt, items[i], null, main, (i + 1) * 100, $"PO-{prefix}-{1001 + i}");
        }

        Move(StockMovementTypes.Issue, items[0], main, null, 10, $"SO-{prefix}-2001");
        Move(StockMovementTypes.Transfer, items[1], main, west, 20, $"TR-{prefix}-3001");

        foreach (var ((itemId, warehouseId), quantity) in levels)
        {
            db.StockLevels.Add(new StockLevel { TenantId = tenant.Id, ItemId = itemId, WarehouseId = warehouseId, Quantity = quantity });
        }
    }
}
