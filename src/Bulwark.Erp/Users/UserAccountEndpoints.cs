using Bulwark.Erp.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Erp.Mfa;
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
using Bulwark.Security.RateLimiting;

namespace Bulwark.Erp.Users;

/// <summary>
/// The admin's side of an account (users:manage, never one's own): disable / enable (AUTH-6: a disabled user's
/// sessions end at once on every instance, its API keys lose every permission, its logins fail like a wrong password)
/// resetting a lost second factor (AUTH-8: the user enrolls again at the next login when one is required) and a
/// forgotten password (AUTH-1/AUTH-6: every session of the user ends).
/// </summary>
public static class UserAccountEndpoints
{
    public const string DisabledReason = "user_disabled";
    public const string MfaResetReason = "mfa_reset";
    public const string PasswordResetReason = "password_reset";

    public static RouteGroupBuilder MapUserAccounts(this RouteGroupBuilder users)
    {
        users.MapPost("/{id:guid}/disable", Disable).WithName("DisableUser").RequirePermission(Permissions.UsersManage);
        users.MapPost("/{id:guid}/enable", Enable).WithName("EnableUser").RequirePermission(Permissions.UsersManage);
        users.MapDelete("/{id:guid}/mfa", ResetMfa).WithName("ResetUserMfa").RequirePermission(Permissions.UsersManage);
        users.MapPost("/{id:guid}/password", ResetPassword).WithName("ResetUserPassword").RequirePermission(Permissions.UsersManage)
            .RequirePasswordHashingSlot();   // RL-5: one password hash
        return users;
    }

    /// <summary>
    /// AUTH-1/AUTH-6: an admin sets a new password for a user who lost theirs (the new-password rules apply). Every
    /// session of the user ends at once — whoever held the old password is out — and a lockout is lifted.
    /// </summary>
    private static async Task<Results<NoContent, NotFound>> ResetPassword(Guid id, ResetPasswordRequest request, HttpContext http,
        BulwarkDbContext db, UnitOfWork unitOfWork, SessionService sessions, IPermissionInvalidation invalidation,
        PasswordHashing passwords, ISecurityEvents events, CancellationToken cancellationToken) =>
        await ChangeAsync(id, http, db, unitOfWork, sessions, invalidation, events, PasswordResetReason, SecurityEventTypes.PasswordReset,
            (user, _) =>
            {
                user.PasswordHash = passwords.Hash(request.NewPassword!);
                user.FailedLoginCount = 0;
                user.LockedUntil = null;
                return Task.FromResult(true);
            }, cancellationToken);

    private static async Task<Results<NoContent, NotFound>> Disable(Guid id, HttpContext http, BulwarkDbContext db,
        UnitOfWork unitOfWork, SessionService sessions, IPermissionInvalidation invalidation, ISecurityEvents events,
        CancellationToken cancellationToken) =>
        await ChangeAsync(id, http, db, unitOfWork, sessions, invalidation, events, DisabledReason, SecurityEventTypes.AccountDisabled,
            (user, _) =>
            {
                user.IsActive = false;
                return Task.FromResult(true);   // AUTH-6: its sessions end with it
            }, cancellationToken);

    private static async Task<Results<NoContent, NotFound>> Enable(Guid id, HttpContext http, BulwarkDbContext db,
        UnitOfWork unitOfWork, SessionService sessions, IPermissionInvalidation invalidation, ISecurityEvents events,
        CancellationToken cancellationToken) =>
        await ChangeAsync(id, http, db, unitOfWork, sessions, invalidation, events, null, SecurityEventTypes.AccountEnabled,
            (user, _) =>
            {
                user.IsActive = true;
                return Task.FromResult(false);
            }, cancellationToken);

    private static async Task<Results<NoContent, NotFound>> ResetMfa(Guid id, HttpContext http, BulwarkDbContext db,
        UnitOfWork unitOfWork, SessionService sessions, IPermissionInvalidation invalidation, MfaService mfa, ISecurityEvents events,
        CancellationToken cancellationToken) =>
        await ChangeAsync(id, http, db, unitOfWork, sessions, invalidation, events, MfaResetReason, SecurityEventTypes.MfaDisabled,
            async (user, ct) =>
            {
                // A factor reported lost may be in someone else's hands: the sessions it opened end too.
                await mfa.DisableAsync(user, ct);
                return true;
            }, cancellationToken);

    /// <summary>
    /// One admin change of another user of the caller's tenant, in a unit of work (the audit trail records the
    /// before/after state, LOG-3); <paramref name="change"/> says whether the user's sessions end with it.
    /// </summary>
    private static async Task<Results<NoContent, NotFound>> ChangeAsync(Guid id, HttpContext http, BulwarkDbContext db,
        UnitOfWork unitOfWork, SessionService sessions, IPermissionInvalidation invalidation, ISecurityEvents events,
        string? revokeReason, string eventType, Func<User, CancellationToken, Task<bool>> change, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        if (id == caller.UserId)
        {
            // Not on oneself: an admin cannot lock themselves out; one's own factor goes through /auth/mfa/disable.
            throw BusinessRuleException.Unprocessable("You cannot do this to your own account.");
        }

        var revoked = await unitOfWork.RunAsync<IReadOnlyList<RevokedSession>?>(async ct =>
        {
            // AZ-4: the tenant query filter makes another tenant's user look exactly like a missing one.
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
            if (user is null)
            {
                return null;
            }

            return await change(user, ct) && revokeReason is not null
                ? await sessions.RevokeAsync(user.Id, null, revokeReason, ct)
                : [];
        }, cancellationToken);
        if (revoked is null)
        {
            return TypedResults.NotFound();
        }

        // After the commit: cached permissions drop everywhere (AZ-2), then the ended sessions are published (AUTH-6).
        await invalidation.InvalidateAsync(caller.TenantId, id, cancellationToken);
        await sessions.PublishAsync(revoked, cancellationToken);
        events.Emit(http, eventType, SecurityOutcome.Success, reason: $"admin: user {id}, {revoked.Count} sessions revoked");
        return TypedResults.NoContent();
    }
}
