using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Security.Headers;

/// <summary>
/// HDR-1/HDR-2/ERR-3: stamps the security headers on every response — errors included — just
/// before the headers go out (after the exception handler may have cleared the response).
/// </summary>
internal sealed class SecurityHeadersMiddleware
{
    private static readonly Func<object, Task> ApplyCallback = Apply;
    private readonly RequestDelegate _next;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options)
    {
        _next = next;
        var o = options.Value;
        Csp = o.ContentSecurityPolicy;
        Permissions = o.PermissionsPolicy;
        Hsts = o.HstsMaxAgeSeconds.ToString(CultureInfo.InvariantCulture) is var age && o.HstsIncludeSubDomainsAndPreload
            ? $"max-age={age}; includeSubDomains; preload"
            : $"max-age={age}";
    }

    private string Csp { get; }

    private string Permissions { get; }

    private string Hsts { get; }

    public Task Invoke(HttpContext context)
    {
        context.Response.OnStarting(ApplyCallback, (this, context));
        return _next(context);
    }

    private static Task Apply(object state)
    {
        var (self, context) = ((SecurityHeadersMiddleware, HttpContext))state;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = self.Csp;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = self.Permissions;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["X-Permitted-Cross-Domain-Policies"] = "none";
        // HDR-1: API responses carry tenant data; nothing is cacheable by browsers or proxies.
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        // ERR-3: no product or version banners.
        headers.Remove(HeaderNames.Server);
        headers.Remove("X-Powered-By");
        if (context.Request.IsHttps)
        {
            // HDR-2: HSTS only means something over HTTPS (RFC 6797 §7.2).
            headers.StrictTransportSecurity = self.Hsts;
        }

        return Task.CompletedTask;
    }
}
