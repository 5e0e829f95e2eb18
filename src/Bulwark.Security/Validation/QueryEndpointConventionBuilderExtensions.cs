using Microsoft.AspNetCore.Builder;

namespace Bulwark.Security.Validation;

public static class QueryEndpointConventionBuilderExtensions
{
    /// <summary>
    /// VAL-6: a paginated list: accepts <c>page</c>, <c>pageSize</c>, <c>sort</c> (one of
    /// <paramref name="sortFields"/>, optionally prefixed with '-') and the named filters; nothing else.
    /// </summary>
    public static TBuilder WithListQuery<TBuilder>(this TBuilder builder, string[] sortFields, params string[] filters)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sortFields);
        var metadata = new ListQueryMetadata(
            ["page", "pageSize", "sort", .. filters], sortFields, sortFields.Length > 0 ? sortFields[0] : string.Empty);
        builder.WithMetadata(metadata);
        return builder;
    }

    /// <summary>VAL-1: accepts exactly the named query parameters (each at most once).</summary>
    public static TBuilder WithQueryParameters<TBuilder>(this TBuilder builder, params string[] parameters)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(new ListQueryMetadata(parameters, [], string.Empty));
        return builder;
    }

    /// <summary>VAL-2: runs <see cref="IValidatableRequest.Validate"/> for every body that declares constraints.</summary>
    public static TBuilder WithRequestValidation<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint =>
        {
            if (endpoint is Microsoft.AspNetCore.Routing.RouteEndpointBuilder route)
            {
                route.FilterFactories.Add(ValidationEndpointFilter.Create);
            }
        });
        return builder;
    }
}
