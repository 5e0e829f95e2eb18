using System.Linq.Expressions;
using Bulwark.Erp.Data;
using Bulwark.Security.Errors;
using Bulwark.Security.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bulwark.Erp.Inventory;

/// <summary>
/// Stock levels (read-only) and stock movements. A movement and every level change it causes are
/// one transaction; levels change only through conditional single-statement updates (DATA-6).
/// </summary>
public sealed class StockService(BulwarkDbContext db, UnitOfWork unitOfWork, TimeProvider time)
{
    public static readonly SortMap<StockLevel> LevelSort = new SortMap<StockLevel>()
        .Add("quantity", l => l.Quantity)
        .Add("updatedAt", l => l.UpdatedAt);

    public static readonly SortMap<StockMovement> MovementSort = new SortMap<StockMovement>()
        .Add("createdAt", m => m.CreatedAt)
        .Add("quantity", m => m.Quantity);

    private const string InsertSavepoint = "stock_level_insert";

    private static readonly Expression<Func<StockLevel, StockLevelResponse>> ToLevelResponse = l => new StockLevelResponse(
        l.Id, l.ItemId, l.WarehouseId, l.Quantity, l.UpdatedAt);

    private static readonly Expression<Func<StockMovement, StockMovementResponse>> ToMovementResponse = m => new StockMovementResponse(
        m.Id, m.Type, m.ItemId, m.FromWarehouseId, m.ToWarehouseId, m.Quantity, m.Reference, m.CreatedBy, m.CreatedAt);

    private static readonly Func<StockMovement, StockMovementResponse> ToMovementResponseCompiled = ToMovementResponse.Compile();

    public Task<PagedResult<StockLevelResponse>> ListLevelsAsync(PageQuery page, Guid? itemId, Guid? warehouseId,
        CancellationToken cancellationToken)
    {
        var query = db.StockLevels.AsNoTracking();
        if (itemId is { } item)
        {
            query = query.Where(l => l.ItemId == item);
        }

        if (warehouseId is { } warehouse)
        {
            query = query.Where(l => l.WarehouseId == warehouse);
        }

        return query.ToPageAsync(db, page, LevelSort, ToLevelResponse, cancellationToken);
    }

    public Task<PagedResult<StockMovementResponse>> ListMovementsAsync(PageQuery page, Guid? itemId, Guid? warehouseId,
        string? type, CancellationToken cancellationToken)
    {
        var query = db.StockMovements.AsNoTracking();
        if (itemId is { } item)
        {
            query = query.Where(m => m.ItemId == item);
        }

        if (warehouseId is { } warehouse)
        {
            query = query.Where(m => m.FromWarehouseId == warehouse || m.ToWarehouseId == warehouse);
        }

        if (type is not null)
        {
            query = query.Where(m => m.Type == type);
        }

        return query.ToPageAsync(db, page, MovementSort, ToMovementResponse, cancellationToken);
    }

    public Task<StockMovementResponse?> FindMovementAsync(Guid id, CancellationToken cancellationToken) =>
        db.StockMovements.AsNoTracking().Where(m => m.Id == id).Select(ToMovementResponse).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Records a (validated) movement and applies it to the levels, all or nothing: 422 when the item
    /// or a warehouse is not an active one of the caller's tenant, 409 when stock would go negative.
    /// </summary>
    public async Task<StockMovementResponse> RecordAsync(CreateStockMovementRequest request, Guid? createdBy,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var itemId = request.ItemId!.Value;
        var quantity = request.Quantity!.Value;
        var movement = await unitOfWork.RunAsync(async ct =>
        {
            // AZ-4: the tenant query filter makes another tenant's item or warehouse look missing (422, never used).
            if (!await db.Items.AnyAsync(i => i.Id == itemId && i.IsActive, ct))
            {
                throw BusinessRuleException.Unprocessable("itemId does not name an active item.", "itemId");
            }

            await RequireWarehouseAsync(request.FromWarehouseId, "fromWarehouseId", ct);
            await RequireWarehouseAsync(request.ToWarehouseId, "toWarehouseId", ct);

            // Level changes in a fixed order (by warehouse id), so two opposite transfers running at
            // once on PostgreSQL lock the same rows in the same order and cannot deadlock.
            var changes = new List<(Guid Warehouse, long Delta)>(2);
            if (request.FromWarehouseId is { } from)
            {
                changes.Add((from, -quantity));
            }

            if (request.ToWarehouseId is { } to)
            {
                changes.Add((to, quantity));
            }

            foreach (var (warehouse, delta) in changes.OrderBy(c => c.Warehouse))
            {
                if (delta < 0)
                {
                    await DecreaseAsync(itemId, warehouse, -delta, ct);
                }
                else
                {
                    await IncreaseAsync(itemId, warehouse, delta, ct);
                }
            }

            var movement = new StockMovement
            {
                Type = request.Type!,
                ItemId = itemId,
                FromWarehouseId = request.FromWarehouseId,
                ToWarehouseId = request.ToWarehouseId,
                Quantity = quantity,
                Reference = request.Reference,
                CreatedBy = createdBy,
            };
            db.StockMovements.Add(movement);
            return movement;
        }, cancellationToken);
        return ToMovementResponseCompiled(movement);
    }

    private async Task RequireWarehouseAsync(Guid? warehouseId, string field, CancellationToken cancellationToken)
    {
        if (warehouseId is { } id && !await db.Warehouses.AnyAsync(w => w.Id == id && w.IsActive, cancellationToken))
        {
            throw BusinessRuleException.Unprocessable($"{field} does not name an active warehouse.", field);
        }
    }

    /// <summary>
    /// DATA-6: one conditional UPDATE — it subtracts only while enough stock is there, so concurrent
    /// issues serialize on the row and none can take the level below zero or lose another's update.
    /// The stock_levels CHECK (Quantity &gt;= 0) is the second wall. The tenant query filter applies to
    /// the UPDATE as well (AZ-4). ExecuteUpdate bypasses the change tracker, so it stamps UpdatedAt and
    /// Version itself.
    /// </summary>
    private async Task DecreaseAsync(Guid itemId, Guid warehouseId, long quantity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.StockLevels
            .Where(l => l.ItemId == itemId && l.WarehouseId == warehouseId && l.Quantity >= quantity)
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.Quantity, l => l.Quantity - quantity)
                .SetProperty(l => l.UpdatedAt, now)
                .SetProperty(l => l.Version, l => l.Version + 1), cancellationToken);
        if (updated == 0)
        {
            throw BusinessRuleException.Conflict("Insufficient stock: the warehouse does not hold that quantity of the item.");
        }
    }

    /// <summary>
    /// DATA-6: a conditional increment in one statement; the first movement into a warehouse inserts
    /// the level row instead. Two first movements racing on PostgreSQL: the loser's INSERT hits the
    /// unique index (TenantId, ItemId, WarehouseId) once the winner commits, and it increments the
    /// winner's row instead. (On SQLite the writer gate rules the race out.)
    /// </summary>
    private async Task IncreaseAsync(Guid itemId, Guid warehouseId, long quantity, CancellationToken cancellationToken)
    {
        if (await IncrementAsync(itemId, warehouseId, quantity, cancellationToken))
        {
            return;
        }

        // A failed statement aborts a PostgreSQL transaction; the savepoint keeps this one usable.
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Stock levels change only inside a unit of work.");
        await transaction.CreateSavepointAsync(InsertSavepoint, cancellationToken);
        var level = new StockLevel { ItemId = itemId, WarehouseId = warehouseId, Quantity = quantity };
        db.StockLevels.Add(level);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (IsUniqueViolation(exception))
        {
            db.Entry(level).State = EntityState.Detached;
            await transaction.RollbackToSavepointAsync(InsertSavepoint, cancellationToken);
            if (!await IncrementAsync(itemId, warehouseId, quantity, cancellationToken))
            {
                // Levels are never deleted, so the row that won the race is there.
                throw new InvalidOperationException("The stock level that won the insert race was not found.");
            }
        }
    }

    private async Task<bool> IncrementAsync(Guid itemId, Guid warehouseId, long quantity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.StockLevels
            .Where(l => l.ItemId == itemId && l.WarehouseId == warehouseId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.Quantity, l => l.Quantity + quantity)
                .SetProperty(l => l.UpdatedAt, now)
                .SetProperty(l => l.Version, l => l.Version + 1), cancellationToken);
        return updated == 1;
    }

    private static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}
