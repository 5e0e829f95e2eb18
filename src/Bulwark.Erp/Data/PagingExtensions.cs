using System.Linq.Expressions;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Data;

public static class PagingExtensions
{
    /// <summary>VAL-5: one page (≤ 100 rows) and the total count, in the list shape of DESIGN.md.</summary>
    public static async Task<PagedResult<TResult>> ToPageAsync<T, TResult>(this IQueryable<T> query, PageQuery page,
        SortMap<T> sort, Expression<Func<T, TResult>> selector, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(sort);
        var total = await query.CountAsync(cancellationToken);
        var items = total == 0
            ? []
            : await sort.Apply(query, page).Skip(page.Skip).Take(page.PageSize).Select(selector).ToListAsync(cancellationToken);
        return new PagedResult<TResult>(items, page.Page, page.PageSize, total);
    }
}
