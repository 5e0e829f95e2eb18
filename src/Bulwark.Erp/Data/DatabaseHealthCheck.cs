using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.Erp.Data;

/// <summary>OPS-1: readiness needs the database; the result carries no connection details.</summary>
internal sealed class DatabaseHealthCheck(BulwarkDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("database unreachable");
        }
#pragma warning disable CA1031 // A health check reports failure instead of throwing.
        catch (Exception)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy("database unreachable");
        }
    }
}
