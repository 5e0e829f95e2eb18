using Bulwark.Security.Authentication;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Erp.Users;

/// <summary>POST /api/v1/auth/login body (public contract of DESIGN.md).</summary>
public sealed record LoginRequest : IValidatableRequest
{
    public string? Tenant { get; init; }

    public string? Email { get; init; }

    public string? Password { get; init; }

    /// <summary>AUTH-7: true = browser mode (tokens in <c>__Host-</c> HttpOnly cookies, a CSRF token in the body).</summary>
    public bool? Cookies { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.Code("tenant", Tenant, 64);
        errors.PlainText("email", Email, 254);
        // AUTH-1: any characters; length is bounded so hashing cost is bounded too (the rule of every password check).
        errors.CurrentPassword("password", Password);
    }
}

/// <summary>
/// Token response (RFC 6749 §5.1 names in camelCase), from login and refresh. <c>refreshToken</c> is the
/// opaque rotating refresh token of the session (AUTH-5).
/// </summary>
public sealed record TokenResponse(string? AccessToken, string TokenType, int ExpiresIn, string? RefreshToken = null)
{
    /// <summary>AUTH-7: in cookie mode (tokens in HttpOnly cookies, <c>tokenType</c> "Cookie"): the session's CSRF token for <c>X-CSRF-Token</c>.</summary>
    public string? CsrfToken { get; init; }

    /// <summary>AUTH-8: only on the login that completed an MFA enrollment: the single-use recovery codes, shown this once.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; init; }

    /// <summary>
    /// The answer of a login or refresh: the tokens in the body, or — AUTH-7 browser mode — in HttpOnly cookies, with
    /// only the session's CSRF token in the body.
    /// </summary>
    public static TokenResponse For(HttpContext http, BrowserSession browser, bool cookies, string sid, string accessToken,
        int expiresIn, string refreshToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(browser);
        return cookies
            ? new TokenResponse(null, "Cookie", expiresIn) { CsrfToken = browser.Issue(http.Response, sid, accessToken, expiresIn, refreshToken) }
            : new TokenResponse(accessToken, "Bearer", expiresIn, refreshToken);
    }
}
