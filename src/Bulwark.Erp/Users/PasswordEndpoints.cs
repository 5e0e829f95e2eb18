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

        var sessionId = Guid.TryParseExact(caller.SessionId, "N", out var sid) ? sid : (Guid?)null;
        var revoked = await unitOfWork.RunAsync(async ct =>
        {
            user.Email = email;
            user.NormalizedEmail = normalized;
            return await sessions.RevokeOthersAsync(user.Id, sessionId, SessionRevocationReasons.EmailChanged, ct);
        }, cancellationToken);
        await sessions.PublishAsync(revoked, cancellationToken);
        events.Emit(http, SecurityEventTypes.EmailChanged, SecurityOutcome.Success);
        return TypedResults.Ok(UserEndpoints.Describe(user));
    }

    private static async Task<NoContent> ChangePassword(ChangePasswordRequest request, HttpContext http, Reauthentication reauthentication,
        PasswordHashing passwords, UnitOfWork unitOfWork, SessionService sessions, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var user = await reauthentication.RequireAsync(http, caller.UserId, request.CurrentPassword!, request.Code,
            SecurityEventTypes.PasswordChanged, cancellationToken);
        var sessionId = Guid.TryParseExact(caller.SessionId, "N", out var sid) ? sid : (Guid?)null;
        var revoked = await unitOfWork.RunAsync(async ct =>
        {
            user.PasswordHash = passwords.Hash(request.NewPassword!);
            // AUTH-6: every other session of the user ends (a thief's included); this one stays signed in.
            return await sessions.RevokeOthersAsync(user.Id, sessionId, SessionRevocationReasons.PasswordChanged, ct);
        }, cancellationToken);
        await sessions.PublishAsync(revoked, cancellationToken);
        events.Emit(http, SecurityEventTypes.PasswordChanged, SecurityOutcome.Success);
        return TypedResults.NoContent();
    }
}
