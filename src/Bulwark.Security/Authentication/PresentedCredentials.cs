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

    /// <summary>True when the request presents an API key (well-formed or not).</summary>
    public bool HasApiKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        return authorization.Count == 0
            ? request.Headers.ContainsKey(_header)
            : authorization is [{ } value] && value.StartsWith(ApiKeyScheme, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A credential in a header: an Authorization header (any scheme) or the API-key header.</summary>
    public bool HasHeaderCredential(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey(_header);

    /// <summary>
    /// Any credential at all, header or access cookie (BAN-1: a 401 with credentials counts as an authentication
    /// failure; RL-2: such a request is charged its IP tiers together with its user tier).
    /// </summary>
    public bool HasAny(HttpRequest request) =>
        HasHeaderCredential(request) || request.Cookies.ContainsKey(BrowserSession.AccessCookie);

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
