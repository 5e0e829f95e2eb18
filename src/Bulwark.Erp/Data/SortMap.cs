using System.Linq.Expressions;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Data;

/// <summary>
/// VAL-6: the allow-listed sort fields of one list, each mapped to a typed key. The names double as
/// the endpoint's <c>WithListQuery</c> metadata, so the allow-list is declared once.
/// </summary>
public sealed class SortMap<T>
    where T : class
{
    private readonly Dictionary<string, Func<IQueryable<T>, bool, IOrderedQueryable<T>>> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LambdaExpression> _keyExpressions = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public SortMap<T> Add<TKey>(string name, Expression<Func<T, TKey>> key)
    {
        _keys[name] = (query, descending) => descending ? query.OrderByDescending(key) : query.OrderBy(key);
        _keyExpressions[name] = key;
        _names.Add(name);
        return this;
    }

    /// <summary>Field names in declaration order; the first is the default sort.</summary>
    public string[] Names => [.. _names];

    public IQueryable<T> Apply(IQueryable<T> query, PageQuery page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var order = _keys.TryGetValue(page.Sort, out var apply) ? apply : _keys[_names[0]];
        // Id (UUIDv7) as tie-breaker keeps pages stable.
        return order(query, page.Descending).ThenBy(IdKey);
    }

    /// <summary>The tie-breaker of every sort.</summary>
    internal static Expression<Func<T, Guid>> IdKey { get; } = e => EF.Property<Guid>(e, "Id");

    /// <summary>An allow-listed sort's name and key; the default sort's for any other name.</summary>
    internal (string Name, LambdaExpression Key) Resolve(string sort) =>
        _keyExpressions.TryGetValue(sort, out var key) ? (sort, key) : (_names[0], _keyExpressions[_names[0]]);
}
