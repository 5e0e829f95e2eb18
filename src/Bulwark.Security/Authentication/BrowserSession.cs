using System.Security.Cryptography;
using System.Text;
using Bulwark.Security.Audit;
using Bulwark.Security.Crypto;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-7 browser mode: a login with <c>cookies: true</c> puts the access and refresh tokens into <c>__Host-</c>
/// HttpOnly Secure SameSite=Strict cookies (script never sees them) and hands the page a CSRF token instead. A request
/// authenticated by the access cookie must send that token in <c>X-CSRF-Token</c> on every unsafe method. The CSRF
/// token is an HMAC of the session id under a key derived from the master key (<see cref="FieldCipher.BlindIndex"/>), so
/// every instance can check it without storing anything, and it dies with the session.
/// </summary>
public sealed class BrowserSession(FieldCipher cipher, IOptions<SessionLifetimeOptions> lifetimes)
{
    public const string AccessCookie = "__Host-bulwark-access";
    public const string RefreshCookie = "__Host-bulwark-refresh";
    public const string CsrfHeader = "X-CSRF-Token";
    /// <summary>The detail of the 403 that refuses a valid session's unsafe request without its CSRF token.</summary>
    public const string CsrfRefused = "The CSRF token is missing or wrong.";
    private const string CookieAuthenticatedKey = "Bulwark.CookieAuthenticated";
    private const string CsrfRejectedKey = "Bulwark.CsrfRejected";
    private const int MaxCookieLength = 4096;

    /// <summary>The CSRF token of session <paramref name="sid"/>.</summary>
    public string CsrfToken(string sid) => cipher.BlindIndex("session.csrf", string.Empty, sid);

    /// <summary>AUTH-7: true when the request's <c>X-CSRF-Token</c> (exactly one) is session <paramref name="sid"/>'s (constant time).</summary>
    public bool HasValidCsrfToken(HttpRequest request, string? sid)
    {
        ArgumentNullException.ThrowIfNull(request);
        return sid is not null && request.Headers[CsrfHeader] is [{ } presented]
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(CsrfToken(sid)));
    }

    /// <summary>Sets both cookies on the response and returns the session's CSRF token.</summary>
    public string Issue(HttpResponse response, string sid, string accessToken, int accessExpiresIn, string refreshToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Append(AccessCookie, accessToken, Options(TimeSpan.FromSeconds(accessExpiresIn)));
        response.Cookies.Append(RefreshCookie, refreshToken, Options(lifetimes.Value.AbsoluteLifetime));
        return CsrfToken(sid);
    }

    /// <summary>Expires both cookies (logout).</summary>
    public static void Clear(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(AccessCookie, Options(TimeSpan.Zero));
        response.Cookies.Delete(RefreshCookie, Options(TimeSpan.Zero));
    }

    /// <summary>True when this request was authenticated by the access cookie (not a header).</summary>
    public static bool IsCookieAuthenticated(HttpContext context) =>
        context?.Items.ContainsKey(CookieAuthenticatedKey) == true;

    // AUTH-7: __Host- prefix = Secure, Path=/, no Domain; HttpOnly keeps it from script; Strict keeps it same-site.
    private static CookieOptions Options(TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };

    /// <summary>
    /// JwtBearer <c>OnMessageReceived</c>: with no Authorization header and no API key, the access cookie is the
    /// bearer token. Query strings are never read (AUTH-4).
    /// </summary>
    internal static Task OnMessageReceived(MessageReceivedContext context)
    {
        var request = context.Request;
        if (!context.HttpContext.RequestServices.GetRequiredService<PresentedCredentials>().HasHeaderCredential(request)
            && request.Cookies.TryGetValue(AccessCookie, out var token) && token.Length is > 0 and <= MaxCookieLength)
        {
            context.Token = token;
            context.HttpContext.Items[CookieAuthenticatedKey] = true;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// JwtBearer <c>OnTokenValidated</c>, after the revocation check: AUTH-7 a cookie-authenticated unsafe request
    /// without this session's CSRF token is not authenticated — an endpoint that needs a caller answers 403 (see
    /// <see cref="OnChallenge"/>), an anonymous one runs anonymously.
    /// </summary>
    internal static void CheckCsrf(TokenValidatedContext context)
    {
        var http = context.HttpContext;
        if (!IsCookieAuthenticated(http) || HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            || HttpMethods.IsOptions(http.Request.Method) || HttpMethods.IsTrace(http.Request.Method))
        {
            return;
        }

        var sid = context.Principal?.FindFirst(BulwarkClaims.SessionId)?.Value;
        if (!http.RequestServices.GetRequiredService<BrowserSession>().HasValidCsrfToken(http.Request, sid))
        {
            http.RequestServices.GetRequiredService<ISecurityEvents>()
                .Emit(http, SecurityEventTypes.TokenRejected, SecurityOutcome.Failure, reason: "csrf_token_invalid");
            http.Items[CsrfRejectedKey] = true;
            context.Fail(CsrfRefused);
        }
    }

    /// <summary>
    /// JwtBearer <c>OnChallenge</c>: AUTH-7 the credential was good but the CSRF token was not, so the answer is 403, not
    /// 401 — the browser must not drop its session over it. A 403 is not an authentication failure for BAN-1 either: a
    /// forged cross-site request comes from the victim's address, and counting it would let a hostile page get its
    /// visitors banned.
    /// </summary>
    internal static Task OnChallenge(JwtBearerChallengeContext context)
    {
        if (!context.HttpContext.Items.ContainsKey(CsrfRejectedKey))
        {
            return Task.CompletedTask;
        }

        context.HandleResponse();
        return Errors.ProblemWriter.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, CsrfRefused).AsTask();
    }
}
