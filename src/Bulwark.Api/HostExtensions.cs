using Bulwark.Erp.Data;
using Bulwark.Security.Authentication;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Api;

internal static class HostExtensions
{
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
    }

    /// <summary>OPS-1: liveness answers without touching anything; readiness checks the database, no details.</summary>
    public static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes =
            {
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();
    }

    /// <summary>AUTH-4: the public keys that verify access tokens.</summary>
    public static void MapJwks(this WebApplication app) =>
        app.MapGet("/.well-known/jwks.json", (SigningKeyStore keys) =>
                TypedResults.Text(JwksDocument.Write(keys.PublicJwks()), "application/json"))
            .AllowAnonymous()
            .WithTags("Authentication")
            .WithName("Jwks");

    /// <summary>ERR-1 in the OpenAPI document: every API endpoint may answer with problem+json.</summary>
    public static RouteGroupBuilder WithProblemResponses(this RouteGroupBuilder group)
    {
        foreach (var status in new[] { 400, 401, 403, 404, 409, 413, 415, 422, 429, 500 })
        {
            group.ProducesProblem(status);
        }

        return group;
    }
}
