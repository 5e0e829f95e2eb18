using System.Globalization;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Versioning;

public static class ApiVersionEndpointConventionBuilderExtensions
{
    /// <summary>
    /// OPS-2: tags the endpoints with an API version; when the version is configured as deprecated
    /// their responses announce it (Deprecation, Sunset, Link) and after the sunset they answer 410.
    /// </summary>
    public static TBuilder WithApiVersion<TBuilder>(this TBuilder builder, string version)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var options = context.ApplicationServices.GetRequiredService<IOptionsMonitor<ApiVersionOptions>>();
            var time = context.ApplicationServices.GetRequiredService<TimeProvider>();
            return async invocation =>
            {
                if (!options.CurrentValue.Versions.TryGetValue(version, out var lifecycle))
                {
                    return await next(invocation);
                }

                var now = time.GetUtcNow();
                var http = invocation.HttpContext;
                if (lifecycle.SunsetAt is { } sunset && now >= sunset)
                {
                    await ProblemWriter.WriteAsync(http, StatusCodes.Status410Gone, $"API {version} has been retired.");
                    return Results.Empty;
                }

                var headers = http.Response.Headers;
                if (lifecycle.DeprecatedAt is { } deprecated && now >= deprecated)
                {
                    headers["Deprecation"] = "@" + deprecated.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                }

                if (lifecycle.SunsetAt is { } sunsetAt)
                {
                    headers["Sunset"] = sunsetAt.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
                }

                if (lifecycle.Link is { } link)
                {
                    headers.Link = $"<{link.AbsoluteUri}>; rel=\"deprecation\"";
                }

                return await next(invocation);
            };
        });
        return builder;
    }
}
