using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Erp.Data;

/// <summary>AZ-4: the tenant every query is filtered by, taken from the authenticated principal only.</summary>
public interface ICurrentTenant
{
    Guid? TenantId { get; }
}

internal sealed class HttpCurrentTenant(IHttpContextAccessor accessor) : ICurrentTenant
{
    public Guid? TenantId => CallerContext.From(accessor.HttpContext?.User)?.TenantId;
}

/// <summary>No tenant: tenant-owned sets read empty (CLI verbs and seeding opt out explicitly).</summary>
public sealed class NoTenant : ICurrentTenant
{
    public static readonly NoTenant Instance = new();

    public Guid? TenantId => null;
}
