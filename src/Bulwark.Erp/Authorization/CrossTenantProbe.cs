using Bulwark.Erp.Data;
using Bulwark.Security.Authorization;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-4/AZ-6: the answer to another tenant's id stays a plain 404 (no enumeration), but it is recorded:
/// after an endpoint with an <c>{id}</c> route value answered 404, this filter looks the id up across tenants
/// and, when it belongs to another tenant, emits <c>authz.cross_tenant</c> (who, what, which rule). The extra
/// lookup runs only on 404s.
/// </summary>
public static class CrossTenantProbe
{
    /// <summary>Audits 404s for ids of <typeparamref name="TEntity"/> that exist in another tenant.</summary>
    public static TBuilder AuditCrossTenantIds<TEntity, TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        where TEntity : TenantEntity =>
        builder.AddEndpointFilter<TBuilder>(async (context, next) =>
        {
            try
            {
                var result = await next(context);
                if (IsNotFound(result))
                {
                    await ProbeAsync<TEntity>(context.HttpContext);
                }

                return result;
            }
            catch (BusinessRuleException rule) when (rule.Status == StatusCodes.Status404NotFound)
            {
                await ProbeAsync<TEntity>(context.HttpContext);
                throw;
            }
        });

    /// <summary>Shorthand on route groups: <c>group.AuditCrossTenantIds&lt;Employee&gt;()</c>.</summary>
    public static RouteGroupBuilder AuditCrossTenantIds<TEntity>(this RouteGroupBuilder group)
        where TEntity : TenantEntity => group.AuditCrossTenantIds<TEntity, RouteGroupBuilder>();

    private static bool IsNotFound(object? result) => result switch
    {
        IStatusCodeHttpResult { StatusCode: StatusCodes.Status404NotFound } => true,
        INestedHttpResult nested => IsNotFound(nested.Result),
        _ => false,
    };

    private static async Task ProbeAsync<TEntity>(HttpContext http)
        where TEntity : TenantEntity
    {
        if (http.Request.RouteValues.TryGetValue("id", out var raw) is false
            || !Guid.TryParse(raw?.ToString(), out var id))
        {
            return;
        }

        var db = http.RequestServices.GetRequiredService<BulwarkDbContext>();
        if (db.CurrentTenantId is not { } tenant)
        {
            return;
        }

        if (await TenantProbeQueries.ExistsInOtherTenantAsync<TEntity>(db, id, tenant, http.RequestAborted))
        {
            AuthorizationAudit.CrossTenant(http, typeof(TEntity).Name);
        }
    }
}
