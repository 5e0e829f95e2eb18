using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Monitoring;

/// <summary>LOG-6: counts 5xx answers (placed outside the exception handler, so it sees the final status).</summary>
internal sealed class ServerErrorMetricsMiddleware(RequestDelegate next, SecurityMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            metrics.ServerError(context.Response.StatusCode);
        }
    }
}
