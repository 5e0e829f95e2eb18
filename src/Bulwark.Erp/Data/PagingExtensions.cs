using System.Linq.Expressions;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Data;

public static class PagingExtensions
{
    /// <summary>
    /// VAL-5: one page (≤ 100 rows) and the total count, in the list shape of DESIGN.md. <paramref name="db"/> is the
    /// context <paramref name="query"/> reads: both queries run on one connection it opens once (issue 7: on PostgreSQL
    /// one open costs one tenant <c>set_config</c> round trip, AZ-4; inside a unit of work the open one is reused).
    /// </summary>
    public static async Task<PagedResult<TResult>> ToPageAsync<T, TResult>(this IQueryable<T> query, DbContext db, PageQuery page,
        SortMap<T> sort, Expression<Func<T, TResult>> selector, CancellationToken cancellationToken)
        where T : class =>
        await query.ToPageAsync(db, page, sort, selector, counts: null, default, cancellationToken);

    /// <summary>
    /// As above, with the total taken from <paramref name="counts"/> under <paramref name="countKey"/> while no commit
    /// changed the record set (issue 7, <see cref="ListCountCache"/>). <paramref name="countKey"/> must name every filter
    /// <paramref name="query"/> applies besides the tenant's, from a closed set of values.
    /// </summary>
    public static Task<PagedResult<TResult>> ToPageAsync<T, TResult>(this IQueryable<T> query, DbContext db, PageQuery page,
        SortMap<T> sort, Expression<Func<T, TResult>> selector, ListCountCache? counts, CountKey countKey,
        CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(sort);
        return query.PageAsync(db, page, counts, countKey,
            ct => sort.Apply(query, page).Skip(page.Skip).Take(page.PageSize).Select(selector).ToListAsync(ct), cancellationToken);
    }

    /// <summary>
    /// As above, the page read through <paramref name="pages"/>' compiled query for filter number <paramref name="filter"/>
    /// (issue 7), which must be the filter <paramref name="query"/> (counted on a miss) applies.
    /// </summary>
    public static Task<PagedResult<TResult>> ToPageAsync<T, TResult>(this IQueryable<T> query, BulwarkDbContext db, PageQuery page,
        CompiledPages<T, TResult> pages, int filter, ListCountCache counts, CountKey countKey, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(pages);
        return query.PageAsync(db, page, counts, countKey, ct => pages.ListAsync(db, page, filter, ct), cancellationToken);
    }

    private static async Task<PagedResult<TResult>> PageAsync<T, TResult>(this IQueryable<T> query, DbContext db, PageQuery page,
        ListCountCache? counts, CountKey countKey, Func<CancellationToken, Task<List<TResult>>> rows, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(page);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // AZ-4: a cached count is the context's tenant's (no tenant: counted, and the tenant filter reads empty).
            var total = counts is not null && db is BulwarkDbContext { CurrentTenantId: { } tenant }
                ? await counts.CountAsync(query, countKey, tenant, cancellationToken)
                : await query.CountAsync(cancellationToken);
            var items = total == 0 ? [] : await rows(cancellationToken);
            return new PagedResult<TResult>(items, page.Page, page.PageSize, total);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
