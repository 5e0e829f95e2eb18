using System.Linq.Expressions;
using Bulwark.Erp.Data;
using Bulwark.Security.Errors;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Inventory;

public sealed class WarehouseService(BulwarkDbContext db, UnitOfWork unitOfWork)
{
    public static readonly SortMap<Warehouse> Sort = new SortMap<Warehouse>()
        .Add("code", w => w.Code)
        .Add("name", w => w.Name);

    private static readonly Expression<Func<Warehouse, WarehouseResponse>> ToResponse = w => new WarehouseResponse(
        w.Id, w.Code, w.Name, w.Address, w.IsActive, w.Version, w.CreatedAt, w.UpdatedAt);

    private static readonly Func<Warehouse, WarehouseResponse> ToResponseCompiled = ToResponse.Compile();

    public Task<PagedResult<WarehouseResponse>> ListAsync(PageQuery page, bool? active, CancellationToken cancellationToken)
    {
        var query = db.Warehouses.AsNoTracking();
        if (active is { } isActive)
        {
            query = query.Where(w => w.IsActive == isActive);
        }

        return query.ToPageAsync(db, page, Sort, ToResponse, cancellationToken);
    }

    public Task<WarehouseResponse?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Warehouses.AsNoTracking().Where(w => w.Id == id).Select(ToResponse).FirstOrDefaultAsync(cancellationToken);

    public async Task<WarehouseResponse> CreateAsync(CreateWarehouseRequest request, CancellationToken cancellationToken)
    {
        var warehouse = await unitOfWork.RunAsync(async ct =>
        {
            // The unique index (TenantId, Code) is the second wall for a concurrent duplicate (→ 409 too).
            if (await db.Warehouses.AnyAsync(w => w.Code == request.Code, ct))
            {
                throw BusinessRuleException.Conflict("A warehouse with this code already exists.");
            }

            var warehouse = new Warehouse
            {
                Code = request.Code!,
                Name = request.Name!,
                Address = request.Address,
            };
            db.Warehouses.Add(warehouse);
            return warehouse;
        }, cancellationToken);
        return ToResponseCompiled(warehouse);
    }

    public async Task<WarehouseResponse?> UpdateAsync(Guid id, UpdateWarehouseRequest request, CancellationToken cancellationToken)
    {
        var warehouse = await unitOfWork.RunAsync(async ct =>
        {
            var warehouse = await db.Warehouses.FirstOrDefaultAsync(w => w.Id == id, ct);
            if (warehouse is null)
            {
                return null;
            }

            db.ExpectVersion(warehouse, request.Version!.Value);
            warehouse.Name = request.Name!;
            warehouse.Address = request.Address;
            warehouse.IsActive = request.IsActive!.Value;
            return warehouse;
        }, cancellationToken);
        return warehouse is null ? null : ToResponseCompiled(warehouse);
    }
}
