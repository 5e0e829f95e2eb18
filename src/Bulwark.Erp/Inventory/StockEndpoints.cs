using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using Bulwark.Erp.Data;
using System.Security.Claims;
using Bulwark.Security.Authentication;
using Bulwark.Security.Headers;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Erp.Inventory;

public static class StockEndpoints
{
    /// <summary>Read-only: levels change only through stock movements.</summary>
    public static RouteGroupBuilder MapStockLevels(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/stock-levels").WithTags("Inventory");
        group.MapGet("/", ListStockLevels).WithName("ListStockLevels").RequirePermission(Permissions.InventoryRead)
            .WithListQuery(StockService.LevelSort.Names, "itemId", "warehouseId").WithCompression();
        return group;
    }

    /// <summary>Movements are immutable: list, read and record — no update, no delete.</summary>
    public static RouteGroupBuilder MapStockMovements(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/stock-movements").WithTags("Inventory").AuditCrossTenantIds<StockMovement>();
        group.MapGet("/", ListStockMovements).WithName("ListStockMovements").RequirePermission(Permissions.InventoryRead)
            .WithListQuery(StockService.MovementSort.Names, "itemId", "warehouseId", "type").WithCompression();
        group.MapGet("/{id:guid}", GetStockMovement).WithName("GetStockMovement").RequirePermission(Permissions.InventoryRead);
        group.MapPost("/", CreateStockMovement).WithName("CreateStockMovement").RequirePermission(Permissions.InventoryAdjust);
        return group;
    }

    private static async Task<Ok<PagedResult<StockLevelResponse>>> ListStockLevels(
        PageQuery page, Guid? itemId, Guid? warehouseId, StockService stock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await stock.ListLevelsAsync(page, itemId, warehouseId, cancellationToken));

    private static async Task<Ok<PagedResult<StockMovementResponse>>> ListStockMovements(
        PageQuery page, Guid? itemId, Guid? warehouseId, string? type, StockService stock, CancellationToken cancellationToken)
    {
        // VAL-6: the type filter is an enum like the body's type, not free text.
        var errors = new ValidationErrors();
        errors.OneOf("type", type, StockMovementTypes.All, required: false);
        errors.ThrowIfAny();
        return TypedResults.Ok(await stock.ListMovementsAsync(page, itemId, warehouseId, type, cancellationToken));
    }

    private static async Task<Results<Ok<StockMovementResponse>, NotFound>> GetStockMovement(
        Guid id, StockService stock, CancellationToken cancellationToken)
    {
        // AZ-4: the tenant query filter makes another tenant's id look exactly like a missing one.
        var movement = await stock.FindMovementAsync(id, cancellationToken);
        return EndpointResults.OkOrNotFound(movement);
    }

    private static async Task<Created<StockMovementResponse>> CreateStockMovement(
        CreateStockMovementRequest request, ClaimsPrincipal user, StockService stock, CancellationToken cancellationToken)
    {
        // The author comes from the principal only, never from the body (VAL-3).
        var movement = await stock.RecordAsync(request, CallerContext.From(user)?.UserId, cancellationToken);
        return TypedResults.Created($"/api/v1/stock-movements/{movement.Id}", movement);
    }
}
