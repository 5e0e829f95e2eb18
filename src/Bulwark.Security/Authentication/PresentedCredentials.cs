using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-4/AUTH-9/AUTH-10: which credential a request presents, read from headers only (tokens and keys in query
/// strings are ignored). <c>Authorization: Bearer …</c> is an access token; <c>Authorization: ApiKey …</c>, or the
/// configured key header when there is no Authorization header, is an API key.
/// </summary>
public sealed class PresentedCredentials(IOptions<ApiKeyOptions> options)
{
    private const string ApiKeyScheme = "ApiKey ";
    private readonly string _header = options.Value.HeaderName;

    public static bool HasBearerToken(HttpRequest request) =>
        request.Headers.Authorization is [{ } value] && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the request presents an API key (well-formed or not).</summary>
    public bool HasApiKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        return authorization.Count == 0
            ? request.Headers.ContainsKey(_header)
            : authorization is [{ } value] && value.StartsWith(ApiKeyScheme, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Any credential at all (for BAN-1: a 401 with credentials counts as an authentication failure).</summary>
    public bool HasAny(HttpRequest request) => request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey(_header);

    /// <summary>The presented API key text; null when the request presents none or more than one.</summary>
    public string? ApiKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            return authorization is [{ } value] && value.StartsWith(ApiKeyScheme, StringComparison.OrdinalIgnoreCase)
                ? value[ApiKeyScheme.Length..].Trim()
                : null;
        }

        return request.Headers.TryGetValue(_header, out var values) && values is [{ } key] ? key.Trim() : null;
    }
}
