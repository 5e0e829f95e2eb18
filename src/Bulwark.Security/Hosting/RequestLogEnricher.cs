using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Bulwark.Security.Hosting;

/// <summary>LOG-1/BAN-2: the request line carries client IP, user and tenant (never the query string).</summary>
internal static class RequestLogEnricher
{
    public static void Enrich(IDiagnosticContext diagnostics, HttpContext context)
    {
        diagnostics.Set("ClientIp", context.Connection.RemoteIpAddress?.ToString() ?? string.Empty);
        var caller = CallerContext.From(context.User);
        if (caller is not null)
        {
            diagnostics.Set("UserId", caller.UserId);
            diagnostics.Set("TenantId", caller.TenantId);
        }
    }
}
