using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-5/VAL-6: typed paging and sorting for list endpoints: <c>page</c> ≥ 1, <c>pageSize</c> 1…100
/// (default 50), <c>sort</c> one of the endpoint's allow-listed fields, '-' prefix for descending.
/// </summary>
public sealed record PageQuery(int Page, int PageSize, string Sort, bool Descending)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 50;
    public const int MaxPage = 100_000;

    public int Skip => (Page - 1) * PageSize;

    public static ValueTask<PageQuery?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<ListQueryMetadata>() ?? ListQueryMetadata.None;
        var query = context.Request.Query;
        var errors = new ValidationErrors();
        var page = ReadInt(query, "page", 1, 1, MaxPage, errors);
        var pageSize = ReadInt(query, "pageSize", DefaultPageSize, 1, MaxPageSize, errors);
        var sort = metadata.DefaultSort;
        var descending = false;
        if (query.TryGetValue("sort", out var sortValues))
        {
            var raw = sortValues.ToString();
            descending = raw.StartsWith('-');
            var field = descending ? raw[1..] : raw;
            if (!metadata.SortFields.Contains(field))
            {
                errors.Add("sort", "enum", "must be one of: " + string.Join(", ", metadata.SortFields.Select(f => f)));
            }
            else
            {
                sort = field;
            }
        }

        errors.ThrowIfAny();
        return ValueTask.FromResult<PageQuery?>(new PageQuery(page, pageSize, sort, descending));
    }

    private static int ReadInt(IQueryCollection query, string name, int fallback, int min, int max, ValidationErrors errors)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return fallback;
        }

        if (!int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(name, "type", "must be a whole number");
            return fallback;
        }

        if (value < min || value > max)
        {
            errors.Add(name, "range", string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
        }

        return value;
    }
}

/// <summary>The list response shape of DESIGN.md: items, page, pageSize, totalCount.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);
