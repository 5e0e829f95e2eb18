using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using Bulwark.Erp.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Tenants;

public static class TenantEndpoints
{
    public static RouteGroupBuilder MapTenants(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/tenants").WithTags("Tenants");
        group.MapGet("/current", GetCurrent).WithName("GetCurrentTenant").RequirePermission(Permissions.TenantRead);
        return group;
    }

    /// <summary>The caller's own tenant (AZ-4: there is no way to name another).</summary>
    private static async Task<Results<Ok<TenantResponse>, NotFound>> GetCurrent(BulwarkDbContext db, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.AsNoTracking()
            .Where(t => t.Id == db.CurrentTenantId)
            .Select(t => new TenantResponse(t.Id, t.Slug, t.Name))
            .FirstOrDefaultAsync(cancellationToken);
        return EndpointResults.OkOrNotFound(tenant);
    }
}

public sealed record TenantResponse(Guid Id, string Slug, string Name);
