using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Inventory;

/// <summary>Source-generated JSON for the inventory contracts (no reflection on the hot path).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateItemRequest))]
[JsonSerializable(typeof(UpdateItemRequest))]
[JsonSerializable(typeof(ItemResponse))]
[JsonSerializable(typeof(PagedResult<ItemResponse>))]
[JsonSerializable(typeof(CreateWarehouseRequest))]
[JsonSerializable(typeof(UpdateWarehouseRequest))]
[JsonSerializable(typeof(WarehouseResponse))]
[JsonSerializable(typeof(PagedResult<WarehouseResponse>))]
[JsonSerializable(typeof(StockLevelResponse))]
[JsonSerializable(typeof(PagedResult<StockLevelResponse>))]
[JsonSerializable(typeof(CreateStockMovementRequest))]
[JsonSerializable(typeof(StockMovementResponse))]
[JsonSerializable(typeof(PagedResult<StockMovementResponse>))]
internal sealed partial class InventoryJsonContext : JsonSerializerContext;
