using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Bulwark.Erp.Data;

/// <summary>
/// Issue 7: one list's page query (filter, allow-listed sort, <c>Id</c> tie-breaker, skip/take, projection) compiled once
/// per sort, direction and filter with <see cref="EF.CompileAsyncQuery{TContext, TParam1, TParam2, TResult}(Expression{Func{TContext, TParam1, TParam2, IQueryable{TResult}}})"/>:
/// EF Core then skips, on every execution, building the LINQ tree (reflection per operator), walking it for parameters
/// and hashing it for its query cache. The tenant query filter stays in (read from the context passed in, AZ-4);
/// skip and take are SQL parameters. At most sorts × 2 × filters delegates: the sort names are the
/// <see cref="SortMap{T}"/>'s allow-list (VAL-6) and the filters a fixed array, never caller text.
/// </summary>
public sealed class CompiledPages<T, TResult>
    where T : class
{
    private readonly SortMap<T> _sort;
    private readonly Expression<Func<T, TResult>> _selector;
    private readonly Expression<Func<T, bool>>?[] _filters;
    // Per model: EF Core runs a compiled query with the model it was compiled for only (a process may hold several
    // hosts, the tests do); a model no context uses any more takes its queries with it.
    private readonly ConditionalWeakTable<IModel, ConcurrentDictionary<(string Sort, bool Descending, int Filter), Func<BulwarkDbContext, int, int, IAsyncEnumerable<TResult>>>> _compiled = new();

    /// <summary>The list's sorts, projection and closed set of filters by index (<c>null</c>: none).</summary>
    public CompiledPages(SortMap<T> sort, Expression<Func<T, TResult>> selector, params Expression<Func<T, bool>>?[] filters)
    {
        _sort = sort;
        _selector = selector;
        _filters = filters.Length == 0 ? [null] : filters;
    }

    /// <summary>The page's rows for <paramref name="page"/> under filter number <paramref name="filter"/>.</summary>
    public async Task<List<TResult>> ListAsync(BulwarkDbContext db, PageQuery page, int filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var (name, _) = _sort.Resolve(page.Sort);
        var query = _compiled.GetOrCreateValue(db.Model).GetOrAdd((name, page.Descending, filter), Compile);
        var rows = new List<TResult>(page.PageSize);
        await foreach (var row in query(db, page.Skip, page.PageSize).WithCancellation(cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private Func<BulwarkDbContext, int, int, IAsyncEnumerable<TResult>> Compile((string Sort, bool Descending, int Filter) key)
    {
        var db = Expression.Parameter(typeof(BulwarkDbContext), "db");
        var skip = Expression.Parameter(typeof(int), "skip");
        var take = Expression.Parameter(typeof(int), "take");
        Expression source = Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.AsNoTracking), [typeof(T)],
            Expression.Call(db, nameof(DbContext.Set), [typeof(T)]));
        if (_filters[key.Filter] is { } filter)
        {
            source = Expression.Call(typeof(Queryable), nameof(Queryable.Where), [typeof(T)], source, Expression.Quote(filter));
        }

        var (_, order) = _sort.Resolve(key.Sort);
        source = Expression.Call(typeof(Queryable), key.Descending ? nameof(Queryable.OrderByDescending) : nameof(Queryable.OrderBy),
            [typeof(T), order.ReturnType], source, Expression.Quote(order));
        source = Expression.Call(typeof(Queryable), nameof(Queryable.ThenBy), [typeof(T), typeof(Guid)], source, Expression.Quote(SortMap<T>.IdKey));
        source = Expression.Call(typeof(Queryable), nameof(Queryable.Skip), [typeof(T)], source, skip);
        source = Expression.Call(typeof(Queryable), nameof(Queryable.Take), [typeof(T)], source, take);
        source = Expression.Call(typeof(Queryable), nameof(Queryable.Select), [typeof(T), typeof(TResult)], source, Expression.Quote(_selector));
        return EF.CompileAsyncQuery(Expression.Lambda<Func<BulwarkDbContext, int, int, IQueryable<TResult>>>(source, db, skip, take));
    }
}
