using Bulwark.Erp.Data;
using Bulwark.Security.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-2: a user's permissions from their CURRENT roles in <c>users.Roles</c> (not the token's claim), and
/// their linked employee record for ownership (AZ-3). Missing or inactive user → no permissions.
/// </summary>
internal sealed class ErpPermissionSource(BulwarkDbContext db) : IPermissionSource
{
    public async Task<CallerPermissions> LoadAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken)
    {
        // The tenant comes from the same principal the query filter uses; it is matched explicitly too.
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId && u.TenantId == tenantId)
            .Select(u => new { u.Roles, u.IsActive, u.EmployeeId })
            .FirstOrDefaultAsync(cancellationToken);
        if (user is null || !user.IsActive)
        {
            return CallerPermissions.None;
        }

        return new CallerPermissions(RolePermissions.For(user.Roles), user.EmployeeId);
    }
}
