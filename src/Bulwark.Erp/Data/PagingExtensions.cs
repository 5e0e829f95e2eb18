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
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(sort);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var total = await query.CountAsync(cancellationToken);
            var items = total == 0
                ? []
                : await sort.Apply(query, page).Skip(page.Skip).Take(page.PageSize).Select(selector).ToListAsync(cancellationToken);
            return new PagedResult<TResult>(items, page.Page, page.PageSize, total);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
