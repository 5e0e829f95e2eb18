using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Bulwark.Security.Headers;

/// <summary>
/// HDR-3: the CORS allow-list from <c>ALLOWED_ORIGINS</c> (comma-separated absolute origins). The
/// framework matches origins exactly (no suffix or prefix matching); "null" and wildcards are refused
/// at start because they would let any sandboxed page or site in with credentials.
/// </summary>
internal static class CorsSetup
{
    public const string PolicyName = "bulwark";
    public const string ConfigurationKey = "ALLOWED_ORIGINS";

    public static string[] ReadOrigins(IConfiguration configuration)
    {
        var raw = configuration[ConfigurationKey] ?? configuration["Bulwark:Cors:AllowedOrigins"] ?? string.Empty;
        var origins = raw.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var origin in origins)
        {
            if (!IsValidOrigin(origin))
            {
                throw new InvalidOperationException(
                    $"{ConfigurationKey} holds an invalid origin; each entry must be scheme://host[:port] without path, wildcard or 'null'.");
            }
        }

        return origins;
    }

    public static void Configure(CorsOptions options, string[] origins)
    {
        options.AddPolicy(PolicyName, policy =>
        {
            policy.WithOrigins(origins)
                .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                .WithHeaders("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "X-CSRF-Token")
                .WithExposedHeaders("Retry-After", "RateLimit", "RateLimit-Policy", "Location", "ETag")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            if (origins.Length > 0)
            {
                policy.AllowCredentials();
            }
        });
        options.DefaultPolicyName = PolicyName;
    }

    internal static bool IsValidOrigin(string origin) =>
        !origin.Contains('*', StringComparison.Ordinal)
        && !string.Equals(origin, "null", StringComparison.OrdinalIgnoreCase)
        && Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/"
        && string.IsNullOrEmpty(uri.Query)
        && string.IsNullOrEmpty(uri.Fragment)
        && string.IsNullOrEmpty(uri.UserInfo)
        && !origin.EndsWith('/');
}
