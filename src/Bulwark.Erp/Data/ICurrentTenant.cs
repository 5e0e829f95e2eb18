using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Erp.Data;

/// <summary>AZ-4: the tenant every query is filtered by, taken from the authenticated principal only.</summary>
public interface ICurrentTenant
{
    Guid? TenantId { get; }
}

/// <summary>
/// AZ-4: the principal's tenant — except on anonymous endpoints (login, refresh, the MFA step): there the credential is
/// in the body and names its own tenant, so a bearer token the client happens to send along (say, a stale one of
/// another tenant) must not scope the work; otherwise the login's writes would be refused as cross-tenant. Without a
/// principal's tenant (anonymous endpoints, authentication itself, CLI verbs): the tenant a credential flow entered in
/// <see cref="Authorization.TenantScope"/>.
/// </summary>
internal sealed class HttpCurrentTenant(IHttpContextAccessor accessor, Authorization.TenantScope scope) : ICurrentTenant
{
    public Guid? TenantId => (accessor.HttpContext is { } http && http.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is null
        ? CallerContext.From(http.User)?.TenantId
        : null) ?? scope.TenantId;
}

/// <summary>No tenant: tenant-owned sets read empty (CLI verbs and seeding opt out explicitly).</summary>
public sealed class NoTenant : ICurrentTenant
{
    public static readonly NoTenant Instance = new();

    public Guid? TenantId => null;
}
