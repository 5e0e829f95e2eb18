using Bulwark.Security.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Erp.Sessions;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Bulwark.Security.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Bulwark.Security.Errors;

namespace Bulwark.Erp.Users;

/// <summary>AUTH-1/AUTH-6/AUTH-11: a signed-in user changes their own password or sign-in e-mail.</summary>
public static class PasswordEndpoints
{
    public static RouteGroupBuilder MapPasswordChange(this IEndpointRouteBuilder api)
    {
        // RL-1: the auth tier; RL-5: two password hashes behind the gate.
        var group = api.MapGroup("/auth").WithTags("Authentication").RequireRateLimitTier(RateLimitTier.Auth);
        group.MapPost("/password", ChangePassword).WithName("ChangePassword").RequirePasswordHashingSlot()
            .RequireAuthenticatedOnly();   // AUTH-1/AUTH-11: own password, re-authenticated by the current one
        group.MapPost("/email", ChangeEmail).WithName("ChangeEmail").RequirePasswordHashingSlot()
            .RequireAuthenticatedOnly();   // AUTH-11: own sign-in e-mail, re-authenticated by the current password
        return group;
    }

    /// <summary>
    /// AUTH-11: a signed-in user changes their sign-in e-mail after re-authenticating. The address must be free in the
    /// tenant (409 otherwise; the unique index decides under concurrency). AUTH-6: the user's other sessions end, as for
    /// a password change.
    /// </summary>
    private static async Task<Ok<UserResponse>> ChangeEmail(ChangeEmailRequest request, HttpContext http, Reauthentication reauthentication,
        BulwarkDbContext db, UnitOfWork unitOfWork, SessionService sessions, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var user = await reauthentication.RequireAsync(http, caller.UserId, request.CurrentPassword!, request.Code,
            SecurityEventTypes.EmailChanged, cancellationToken);
        var email = request.NewEmail!.Trim();
        var normalized = User.Normalize(email);
        if (normalized == user.NormalizedEmail)
        {
            throw BusinessRuleException.Unprocessable("This is already your e-mail address.", "newEmail");
        }

        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized && u.Id != user.Id, cancellationToken))
        {
            throw new BusinessRuleException(StatusCodes.Status409Conflict, "Another user of this tenant has this e-mail address.");
        }

        await ApplyAsync(http, caller, user, u =>
            {
                u.Email = email;
                u.NormalizedEmail = normalized;
            }, SessionRevocationReasons.EmailChanged, SecurityEventTypes.EmailChanged, unitOfWork, sessions, events, cancellationToken);
        return TypedResults.Ok(UserEndpoints.Describe(user));
    }

    private static async Task<NoContent> ChangePassword(ChangePasswordRequest request, HttpContext http, Reauthentication reauthentication,
        PasswordHashing passwords, UnitOfWork unitOfWork, SessionService sessions, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var user = await reauthentication.RequireAsync(http, caller.UserId, request.CurrentPassword!, request.Code,
            SecurityEventTypes.PasswordChanged, cancellationToken);
        await ApplyAsync(http, caller, user, u => u.PasswordHash = passwords.Hash(request.NewPassword!),
            SessionRevocationReasons.PasswordChanged, SecurityEventTypes.PasswordChanged, unitOfWork, sessions, events, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Saves a change to the caller's own account and — AUTH-6 — ends every other session of the user (a thief's
    /// included) while this one stays signed in; then the success event.
    /// </summary>
    private static async Task ApplyAsync(HttpContext http, CallerContext caller, User user, Action<User> change, string revokeReason,
        string eventType, UnitOfWork unitOfWork, SessionService sessions, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var revoked = await unitOfWork.RunAsync(async ct =>
        {
            change(user);
            return await sessions.RevokeOthersAsync(user.Id, caller.Session, revokeReason, ct);
        }, cancellationToken);
        await sessions.PublishAsync(revoked, cancellationToken);
        events.Emit(http, eventType, SecurityOutcome.Success);
    }
}
