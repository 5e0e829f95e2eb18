using Xunit;

namespace Bulwark.Testing;

/// <summary>HDR-1/HDR-2/ERR-3: the headers every response carries, and the ones it must not.</summary>
public static class SecurityHeadersAssert
{
    public const string ApiCsp = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Every value of a response header, whether HttpClient filed it under the response or the content.</summary>
    public static IReadOnlyList<string> Values(HttpResponseMessage response, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Headers.NonValidated.TryGetValues(name, out var values)
            || response.Content.Headers.NonValidated.TryGetValues(name, out values))
        {
            return [.. values];
        }

        return [];
    }

    /// <summary>Asserts the full set over plain HTTP (no HSTS) for a response read with HttpClient.</summary>
    public static void PlainHttp(HttpResponseMessage response, string context) =>
        PlainHttp(name => Values(response, name), context);

    /// <summary>Asserts the full set over plain HTTP (no HSTS) for a response read off the socket.</summary>
    public static void PlainHttp(RawResponse response, string context) =>
        PlainHttp(response.Values, context);

    public static void PlainHttp(Func<string, IReadOnlyList<string>> header, string context)
    {
        ArgumentNullException.ThrowIfNull(header);
        Single(header, "Content-Security-Policy", ApiCsp, context);
        Single(header, "X-Content-Type-Options", "nosniff", context);
        Single(header, "X-Frame-Options", "DENY", context);
        Single(header, "Referrer-Policy", "no-referrer", context);
        Single(header, "Cross-Origin-Opener-Policy", "same-origin", context);
        Single(header, "Cross-Origin-Resource-Policy", "same-origin", context);
        var permissions = string.Join(",", header("Permissions-Policy"));
        Assert.True(permissions.Contains("camera=()", StringComparison.Ordinal)
                    && permissions.Contains("geolocation=()", StringComparison.Ordinal)
                    && permissions.Contains("microphone=()", StringComparison.Ordinal),
            $"{context}: Permissions-Policy is '{permissions}'");
        var cacheControl = string.Join(",", header("Cache-Control"));
        Assert.True(cacheControl.Contains("no-store", StringComparison.Ordinal), $"{context}: Cache-Control is '{cacheControl}'");
        Absent(header, "Strict-Transport-Security", context); // HDR-2: never over plain HTTP (RFC 6797 §7.2)
        Absent(header, "Server", context);                    // ERR-3
        Absent(header, "X-Powered-By", context);              // ERR-3
        Absent(header, "X-AspNet-Version", context);
    }

    private static void Single(Func<string, IReadOnlyList<string>> header, string name, string expected, string context)
    {
        var values = header(name);
        Assert.True(values.Count == 1 && values[0] == expected,
            $"{context}: expected {name}: {expected}, got [{string.Join(" | ", values)}]");
    }

    private static void Absent(Func<string, IReadOnlyList<string>> header, string name, string context)
    {
        var values = header(name);
        Assert.True(values.Count == 0, $"{context}: {name} must be absent, got [{string.Join(" | ", values)}]");
    }
}
