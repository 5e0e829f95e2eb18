using Bulwark.Erp.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Erp.Sessions;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Bulwark.Security.Authorization;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Users;

/// <summary>AZ-2/AUTH-6: role management. A change applies to the user's very next request.</summary>
public static class UserRoleEndpoints
{
    /// <summary>Session revocation reason recorded when roles change.</summary>
    public const string RolesChangedReason = "roles_changed";

    public static RouteGroupBuilder MapUserRoles(this RouteGroupBuilder users)
    {
        ArgumentNullException.ThrowIfNull(users);
        users.MapPut("/{id:guid}/roles", SetRoles).WithName("SetUserRoles").RequirePermission(Permissions.UsersManage);
        return users;
    }

    private static async Task<Results<Ok<UserResponse>, NotFound>> SetRoles(Guid id, SetUserRolesRequest request, HttpContext http,
        BulwarkDbContext db, UnitOfWork unitOfWork, SessionService sessions, IPermissionInvalidation invalidation,
        ISecurityEvents events, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        if (id == caller.UserId)
        {
            // An admin cannot lock themselves (and possibly the tenant) out; another admin must do it.
            throw BusinessRuleException.Unprocessable("You cannot change your own roles.", "roles");
        }

        var roles = request.Roles!.Select(r => r!).ToList();
        var changed = await unitOfWork.RunAsync(async ct =>
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
            if (user is null)
            {
                return null;
            }

            var adminGranted = roles.Contains(Roles.Admin, StringComparer.Ordinal) && !user.Roles.Contains(Roles.Admin, StringComparer.Ordinal);
            user.Roles = roles;
            // AUTH-6: tokens issued under the old roles die with their sessions (refresh included).
            var revoked = await sessions.RevokeAsync(user.Id, null, RolesChangedReason, ct);
            return new { User = user, Revoked = revoked, AdminGranted = adminGranted };
        }, cancellationToken);
        if (changed is null)
        {
            return TypedResults.NotFound();
        }

        // After the commit: every instance drops the cached permissions, then the revoked sessions are published.
        await invalidation.InvalidateAsync(caller.TenantId, id, cancellationToken);
        await sessions.PublishAsync(changed.Revoked, cancellationToken);
        events.Emit(http, SecurityEventTypes.RolesChanged, SecurityOutcome.Success,
            reason: $"user {id} roles [{string.Join(',', roles)}], {changed.Revoked.Count} sessions revoked"
                    // LOG-6: granting admin is an alert.
                    + (changed.AdminGranted ? ", " + SecurityEventMarkers.AdminGranted : string.Empty));
        return TypedResults.Ok(UserEndpoints.Describe(changed.User));
    }
}
