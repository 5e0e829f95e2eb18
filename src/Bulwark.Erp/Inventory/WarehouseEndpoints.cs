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

public static class WarehouseEndpoints
{
    public static RouteGroupBuilder MapWarehouses(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/warehouses").WithTags("Inventory").AuditCrossTenantIds<Warehouse>();
        group.MapGet("/", ListWarehouses).WithName("ListWarehouses").RequirePermission(Permissions.InventoryRead)
            .WithListQuery(WarehouseService.Sort.Names, "active").WithCompression();
        group.MapGet("/{id:guid}", GetWarehouse).WithName("GetWarehouse").RequirePermission(Permissions.InventoryRead);
        group.MapPost("/", CreateWarehouse).WithName("CreateWarehouse").RequirePermission(Permissions.InventoryWrite);
        group.MapPut("/{id:guid}", UpdateWarehouse).WithName("UpdateWarehouse").RequirePermission(Permissions.InventoryWrite);
        return group;
    }

    private static async Task<Ok<PagedResult<WarehouseResponse>>> ListWarehouses(
        PageQuery page, bool? active, WarehouseService warehouses, CancellationToken cancellationToken) =>
        TypedResults.Ok(await warehouses.ListAsync(page, active, cancellationToken));

    private static async Task<Results<Ok<WarehouseResponse>, NotFound>> GetWarehouse(
        Guid id, WarehouseService warehouses, CancellationToken cancellationToken)
    {
        // AZ-4: the tenant query filter makes another tenant's id look exactly like a missing one.
        var warehouse = await warehouses.FindAsync(id, cancellationToken);
        return EndpointResults.OkOrNotFound(warehouse);
    }

    private static async Task<Created<WarehouseResponse>> CreateWarehouse(
        CreateWarehouseRequest request, WarehouseService warehouses, CancellationToken cancellationToken)
    {
        var warehouse = await warehouses.CreateAsync(request, cancellationToken);
        return TypedResults.Created($"/api/v1/warehouses/{warehouse.Id}", warehouse);
    }

    private static async Task<Results<Ok<WarehouseResponse>, NotFound>> UpdateWarehouse(
        Guid id, UpdateWarehouseRequest request, WarehouseService warehouses, CancellationToken cancellationToken)
    {
        var warehouse = await warehouses.UpdateAsync(id, request, cancellationToken);
        return EndpointResults.OkOrNotFound(warehouse);
    }
}
