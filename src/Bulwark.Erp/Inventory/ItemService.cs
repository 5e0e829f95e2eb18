using System.Linq.Expressions;
using Bulwark.Erp.Data;
using Bulwark.Security.Errors;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Inventory;

public sealed class ItemService(BulwarkDbContext db, UnitOfWork unitOfWork, RichTextSanitizer sanitizer, ListCountCache counts)
{
    public static readonly SortMap<Item> Sort = new SortMap<Item>()
        .Add("sku", i => i.Sku)
        .Add("name", i => i.Name)
        .Add("unitCost", i => i.UnitCostCents)
        .Add("createdAt", i => i.CreatedAt);

    private static readonly Expression<Func<Item, ItemResponse>> ToResponse = i => new ItemResponse(
        i.Id, i.Sku, i.Name, i.Description, i.Unit, Money.FromCents(i.UnitCostCents), i.IsActive, i.Version, i.CreatedAt, i.UpdatedAt);

    // Issue 7: the list's closed set of filters (unfiltered, active=true, active=false), by index, for the compiled page
    // query and the count cache.
    private static readonly string[] ActiveFilters = ["", "active=true", "active=false"];

    private static readonly CompiledPages<Item, ItemResponse> Pages = new(Sort, ToResponse, null, i => i.IsActive, i => !i.IsActive);

    private static readonly Func<Item, ItemResponse> ToResponseCompiled = ToResponse.Compile();

    public Task<PagedResult<ItemResponse>> ListAsync(PageQuery page, bool? active, string? sku, CancellationToken cancellationToken)
    {
        // Issue 7: the query is counted (on a count-cache miss) or projected, and neither tracks entities; AsNoTracking here
        // cost a generic-method lookup on every request (the compiled page applies it itself).
        IQueryable<Item> query = db.Items;
        if (active is { } isActive)
        {
            query = query.Where(i => i.IsActive == isActive);
        }

        if (sku is not null)
        {
            // An exact SKU counts at most one row through its index: nothing to cache (and no free text in the cache's keys).
            return query.Where(i => i.Sku == sku).ToPageAsync(db, page, Sort, ToResponse, cancellationToken);
        }

        // Issue 7: the tenant's item count is reused until an item write commits; the page is a compiled query.
        var filter = active switch
        {
            null => 0,
            true => 1,
            false => 2,
        };
        return query.ToPageAsync(db, page, Pages, filter, counts, ListCountCache.For<Item>(ActiveFilters[filter]), cancellationToken);
    }

    public Task<ItemResponse?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Items.AsNoTracking().Where(i => i.Id == id).Select(ToResponse).FirstOrDefaultAsync(cancellationToken);

    public async Task<ItemResponse> CreateAsync(CreateItemRequest request, CancellationToken cancellationToken)
    {
        var item = await unitOfWork.RunAsync(async ct =>
        {
            if (await db.Items.AnyAsync(i => i.Sku == request.Sku, ct))
            {
                throw BusinessRuleException.Conflict("An item with this SKU already exists.");
            }

            var item = new Item
            {
                Sku = request.Sku!,
                Name = request.Name!,
                Description = sanitizer.Sanitize(request.Description),
                Unit = request.Unit!,
                UnitCostCents = Money.ToCents(request.UnitCost!.Value),
            };
            db.Items.Add(item);
            return item;
        }, cancellationToken);
        return ToResponseCompiled(item);
    }

    public async Task<ItemResponse?> UpdateAsync(Guid id, UpdateItemRequest request, CancellationToken cancellationToken)
    {
        var item = await unitOfWork.RunAsync(async ct =>
        {
            var item = await db.Items.FirstOrDefaultAsync(i => i.Id == id, ct);
            if (item is null)
            {
                return null;
            }

            db.ExpectVersion(item, request.Version!.Value);
            item.Name = request.Name!;
            item.Description = sanitizer.Sanitize(request.Description);
            item.Unit = request.Unit!;
            item.UnitCostCents = Money.ToCents(request.UnitCost!.Value);
            item.IsActive = request.IsActive!.Value;
            return item;
        }, cancellationToken);
        return item is null ? null : ToResponseCompiled(item);
    }
}
