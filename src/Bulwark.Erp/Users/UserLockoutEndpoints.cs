using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Users;

/// <summary>AUTH-3: the admin's side of lockout — lift a lock before it expires.</summary>
public static class UserLockoutEndpoints
{
    public static RouteGroupBuilder MapUserLockout(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users");
        // AUTH-3 / AZ-2: lifting a lock is user management.
        group.MapPost("/{id:guid}/unlock", Unlock).WithName("UnlockUser").RequirePermission(Permissions.UsersManage);
        return group;
    }

    private static async Task<Results<NoContent, NotFound>> Unlock(Guid id, HttpContext http, BulwarkDbContext db,
        UnitOfWork unitOfWork, ISecurityEvents events, CancellationToken cancellationToken)
    {
        // AZ-4: the tenant query filter makes another tenant's user look exactly like a missing one.
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        var wasLocked = user.LockedUntil is not null;
        await unitOfWork.RunAsync(_ =>
        {
            // Saved through the change tracker, so the audit trail records the before/after state (LOG-3).
            user.LockedUntil = null;
            user.FailedLoginCount = 0;
            return Task.FromResult(0);
        }, cancellationToken);
        var caller = CallerContext.From(http.User)!;
        events.Emit(http, SecurityEventTypes.AccountUnlocked, SecurityOutcome.Success,
            reason: wasLocked ? "admin_unlock" : "admin_unlock_not_locked",
            actorId: caller.UserId.ToString(), tenantId: caller.TenantId.ToString());
        return TypedResults.NoContent();
    }
}
