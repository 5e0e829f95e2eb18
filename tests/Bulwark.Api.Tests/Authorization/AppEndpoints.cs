using System.Text.RegularExpressions;
using Bulwark.Security.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Authorization;

/// <summary>One route of the running app with what it declares about authorization.</summary>
internal sealed record AppEndpoint(string Method, string Pattern, bool Anonymous, IReadOnlyList<string>? Permissions, bool AuthenticatedOnly,
    bool AcceptsApiKeys)
{
    public string Key => $"{Method} {Pattern}";

    /// <summary>A concrete URL: route parameters filled with a fresh id (or "x").</summary>
    public string SampleUrl() => AppEndpoints.RouteParameter().Replace(Pattern, match =>
        match.Value.Contains(":guid", StringComparison.Ordinal) || match.Value.Contains("id", StringComparison.OrdinalIgnoreCase)
            ? Guid.NewGuid().ToString()
            : "x");
}

/// <summary>Enumerates the endpoints of the running app from its <see cref="EndpointDataSource"/>s.</summary>
internal static partial class AppEndpoints
{
    public static IReadOnlyList<AppEndpoint> Of<T>(WebApplicationFactory<T> api)
        where T : class
    {
        _ = api.Server;
        var sources = api.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new AppEndpoint(
                m,
                "/" + e.RoutePattern.RawText!.TrimStart('/'),
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                e.Metadata.GetMetadata<PermissionMetadata>()?.AnyOf,
                e.Metadata.GetMetadata<AuthenticatedOnlyMetadata>() is not null,
                // AUTH-9: the endpoint's policy authenticates through the forwarding scheme, which admits API keys.
                e.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Any(p =>
                    p.AuthenticationSchemes.Contains(Bulwark.Security.Authentication.BulwarkAuthenticationSchemes.Default)))))
            .DistinctBy(e => e.Key)
            .OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();
    }

    public static HttpRequestMessage Request(AppEndpoint endpoint, string? bearer)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.SampleUrl());
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    internal static partial Regex RouteParameter();
}
