using Bulwark.Erp.Data;
using Bulwark.Security.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-2: a user's permissions from their CURRENT roles in <c>users.Roles</c> (not the token's claim), and
/// their linked employee record for ownership (AZ-3). Missing or inactive user → no permissions.
/// </summary>
/// <remarks>The platform permissions (<see cref="Permissions.Platform"/>) count only in the operator tenant
/// (<see cref="PlatformOptions"/>).</remarks>
internal sealed class ErpPermissionSource(BulwarkDbContext db, IOptions<PlatformOptions> platform) : IPermissionSource
{
    public async Task<CallerPermissions> LoadAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken)
    {
        // The tenant comes from the same principal the query filter uses; it is matched explicitly too.
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId && u.TenantId == tenantId)
            .Select(u => new { u.Roles, u.IsActive, u.EmployeeId, TenantSlug = db.Tenants.Where(t => t.Id == u.TenantId).Select(t => t.Slug).FirstOrDefault() })
            .FirstOrDefaultAsync(cancellationToken);
        if (user is null || !user.IsActive)
        {
            return CallerPermissions.None;
        }

        var granted = RolePermissions.For(user.Roles);
        if (platform.Value.OperatorTenant is not { Length: > 0 } operatorTenant
            || !string.Equals(user.TenantSlug, operatorTenant, StringComparison.Ordinal))
        {
            // AZ-2/BAN-1: a client tenant's admin manages its own tenant, never the service's bans or tenants.
            granted.ExceptWith(Permissions.Platform);
        }

        return new CallerPermissions(granted, user.EmployeeId);
    }
}
