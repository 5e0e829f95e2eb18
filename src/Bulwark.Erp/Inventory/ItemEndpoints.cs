using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Security.Headers;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Erp.Inventory;

public static class ItemEndpoints
{
    public static RouteGroupBuilder MapItems(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/items").WithTags("Inventory").AuditCrossTenantIds<Item>();
        group.MapGet("/", ListItems).WithName("ListItems").RequirePermission(Permissions.InventoryRead)
            .WithListQuery(ItemService.Sort.Names, "active", "sku").WithCompression();
        group.MapGet("/{id:guid}", GetItem).WithName("GetItem").RequirePermission(Permissions.InventoryRead);
        group.MapPost("/", CreateItem).WithName("CreateItem").RequirePermission(Permissions.InventoryWrite);
        group.MapPut("/{id:guid}", UpdateItem).WithName("UpdateItem").RequirePermission(Permissions.InventoryWrite);
        return group;
    }

    private static async Task<Ok<PagedResult<ItemResponse>>> ListItems(
        PageQuery page, bool? active, string? sku, ItemService items, CancellationToken cancellationToken) =>
        TypedResults.Ok(await items.ListAsync(page, active, sku, cancellationToken));

    private static async Task<Results<Ok<ItemResponse>, NotFound>> GetItem(
        Guid id, ItemService items, CancellationToken cancellationToken)
    {
        // AZ-4: the tenant query filter makes another tenant's id look exactly like a missing one.
        var item = await items.FindAsync(id, cancellationToken);
        return EndpointResults.OkOrNotFound(item);
    }

    private static async Task<Created<ItemResponse>> CreateItem(
        CreateItemRequest request, ItemService items, CancellationToken cancellationToken)
    {
        var item = await items.CreateAsync(request, cancellationToken);
        return TypedResults.Created($"/api/v1/items/{item.Id}", item);
    }

    private static async Task<Results<Ok<ItemResponse>, NotFound>> UpdateItem(
        Guid id, UpdateItemRequest request, ItemService items, CancellationToken cancellationToken)
    {
        var item = await items.UpdateAsync(id, request, cancellationToken);
        return EndpointResults.OkOrNotFound(item);
    }
}
