using Bulwark.Security.Audit;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-6: after the signature and claims of an access token check out, its session must not be
/// revoked. The lookup is the local revoked-session set only — no database or Redis round trip per request.
/// </summary>
internal static class SessionRevocationCheck
{
    public static Task OnTokenValidated(TokenValidatedContext context)
    {
        var sessionId = context.Principal?.FindFirst(BulwarkClaims.SessionId)?.Value;
        if (sessionId is null)
        {
            return Task.CompletedTask;
        }

        var revocations = context.HttpContext.RequestServices.GetRequiredService<ISessionRevocations>();
        if (revocations.IsRevoked(sessionId))
        {
            // AUTH-6/AUTH-10: a revoked session's token fails like any invalid token: 401, no reason given.
            context.HttpContext.RequestServices.GetRequiredService<ISecurityEvents>()
                .Emit(context.HttpContext, SecurityEventTypes.TokenRejected, SecurityOutcome.Failure, reason: "session_revoked");
            context.Fail("The session was revoked.");
        }

        return Task.CompletedTask;
    }
}
