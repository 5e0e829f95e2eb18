using Bulwark.Security.Headers;
using Bulwark.Security.Transport;
using Bulwark.Security.Validation;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Bulwark.Security.Hosting;

public static class BulwarkSecurityApplicationBuilderExtensions
{
    /// <summary>
    /// The request path of DESIGN.md, in order: logging, headers on every response, exception →
    /// problem details, body-size check, routing, CORS, compression policy, authentication,
    /// authorization, query-string allow-list. Endpoints run after it.
    /// </summary>
    public static WebApplication UseBulwarkSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<SigningKeyStore>() is null)
        {
            throw new InvalidOperationException("Call builder.AddBulwarkSecurity() before app.UseBulwarkSecurity().");
        }

        // LOG-1: one line per request: method, path without query string, status, duration, IP, user, tenant.
        app.UseSerilogRequestLogging(o =>
        {
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.000} ms";
            o.EnrichDiagnosticContext = RequestLogEnricher.Enrich;
        });
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<BodySizeGuardMiddleware>();
        app.UseRouting();
        app.UseCors(CorsSetup.PolicyName);
        app.UseResponseCompression();
        app.UseMiddleware<CompressionThresholdMiddleware>(); // HDR-4: small bodies are never compressed
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<QueryStringGuardMiddleware>();
        return app;
    }
}
