namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-1/VAL-6: the query parameters an endpoint accepts (anything else is 400) and, for lists, the
/// allow-listed sort fields. Attached with <see cref="QueryEndpointConventionBuilderExtensions"/>.
/// </summary>
public sealed class ListQueryMetadata
{
    public ListQueryMetadata(IEnumerable<string> parameters, IEnumerable<string> sortFields, string defaultSort)
    {
        Parameters = new HashSet<string>(parameters, StringComparer.Ordinal);
        SortFields = new HashSet<string>(sortFields, StringComparer.Ordinal);
        DefaultSort = defaultSort;
    }

    public IReadOnlySet<string> Parameters { get; }

    public IReadOnlySet<string> SortFields { get; }

    public string DefaultSort { get; }

    public static readonly ListQueryMetadata None = new([], [], string.Empty);
}
