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

namespace Bulwark.Erp.Users;

/// <summary>AUTH-1/AUTH-6/AUTH-11: a signed-in user changes their own password.</summary>
public static class PasswordEndpoints
{
    public static RouteGroupBuilder MapPasswordChange(this IEndpointRouteBuilder api)
    {
        // RL-1: the auth tier; RL-5: two password hashes behind the gate.
        var group = api.MapGroup("/auth").WithTags("Authentication").RequireRateLimitTier(RateLimitTier.Auth);
        group.MapPost("/password", ChangePassword).WithName("ChangePassword").RequirePasswordHashingSlot()
            .RequireAuthenticatedOnly();   // AUTH-1/AUTH-11: own password, re-authenticated by the current one
        return group;
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
