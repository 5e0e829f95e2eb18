using Bulwark.Security.Headers;
using Bulwark.Security.Transport;
using Bulwark.Security.Validation;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Bulwark.Security.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Serilog;

namespace Bulwark.Security.Hosting;

public static class BulwarkSecurityApplicationBuilderExtensions
{
    /// <summary>
    /// The request path of DESIGN.md, in order: forwarded headers (trusted proxies only), logging, headers on
    /// every response, exception → problem details, body-size check, routing, CORS, IP rate limits,
    /// compression policy, authentication, per-user rate limit, authorization, query-string allow-list.
    /// Endpoints run after it.
    /// </summary>
    public static WebApplication UseBulwarkSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<SigningKeyStore>() is null)
        {
            throw new InvalidOperationException("Call builder.AddBulwarkSecurity() before app.UseBulwarkSecurity().");
        }

        if (app.Services.GetService<UserStageLimiter>() is null)
        {
            throw new InvalidOperationException("Call services.AddBulwarkRateLimiting() before app.UseBulwarkSecurity().");
        }

        if (app.Services.GetService<Microsoft.Extensions.DependencyInjection.IServiceProviderIsService>() is { } isService
            && !isService.IsService(typeof(Authorization.IPermissionSource)))
        {
            // AZ-2: without a source of current permissions every permission check would fail closed; say so at start.
            throw new InvalidOperationException("Register an Authorization.IPermissionSource (e.g. builder.AddBulwarkErp()) before app.UseBulwarkSecurity().");
        }

        // TLS-2: first, so logs, limits and events all see the client IP. Installed only when a proxy is
        // configured: with no known proxy the framework middleware would believe every sender.
        if (ForwardedHeadersSetup.HasTrustedProxies(app.Services.GetRequiredService<IOptions<TransportOptions>>().Value))
        {
            app.UseForwardedHeaders();
        }

        // LOG-1: one line per request: method, path without query string, status, duration, IP, user, tenant.
        app.UseSerilogRequestLogging(o =>
        {
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.000} ms";
            // This host's logger (the static one is left alone, so several hosts can share a process).
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.EnrichDiagnosticContext = RequestLogEnricher.Enrich;
        });
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<Bans.BanObserverMiddleware>(); // BAN-1: sees the final status of every request (after exception handling)
        app.UseMiddleware<Monitoring.ServerErrorMetricsMiddleware>(); // LOG-6: counts 5xx answers
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<BodySizeGuardMiddleware>();
        app.UseRouting();
        app.UseCors(CorsSetup.PolicyName);
        // RL-1/RL-3: IP tiers (global, auth, login) before any authentication or body work. After routing,
        // because the tier is endpoint metadata; after CORS, so a browser client can read its 429.
        app.UseRateLimiter(); // BAN-1: the ban check runs in the same store call (403 for a banned client)
        app.UseMiddleware<Bans.BanSignatureMiddleware>(); // BAN-1: scanner UAs, injection/traversal payloads → ban
        app.UseResponseCompression();
        app.UseMiddleware<CompressionThresholdMiddleware>(); // HDR-4: small bodies are never compressed
        app.UseAuthentication();
        app.UseMiddleware<UserRateLimitingMiddleware>(); // RL-1: per-user tier needs the principal
        app.UseAuthorization();
        app.UseMiddleware<QueryStringGuardMiddleware>();
        return app;
    }
}
