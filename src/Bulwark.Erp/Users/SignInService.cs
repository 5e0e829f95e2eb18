using Bulwark.Erp.Data;
using Bulwark.Erp.Sessions;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Erp.Users;

/// <summary>
/// The end of every successful login — after the password, or after the second factor when one is needed (AUTH-8):
/// resets the failure count (AUTH-3), ends sessions over the cap (AUTH-11), starts a session (AUTH-5) and issues the
/// access token (AUTH-4), in one unit of work.
/// </summary>
public sealed class SignInService(UnitOfWork unitOfWork, SessionService sessions, AccountLockout lockout, AccessTokenIssuer tokens,
    BrowserSession browser, ISecurityEvents events, TimeProvider time)
{
    /// <summary>Completes the sign-in of <paramref name="user"/> and returns its first tokens.</summary>
    /// <param name="http">The login request.</param>
    /// <param name="user">The user whose credentials were all checked.</param>
    /// <param name="alsoInUnit">More work that must commit with the sign-in or not at all (e.g. consuming an MFA challenge).</param>
    /// <param name="cookies">AUTH-7: browser mode — the tokens go into HttpOnly cookies, the body carries the CSRF token.</param>
    /// <param name="cancellationToken">Aborts the sign-in.</param>
    public async Task<TokenResponse> CompleteAsync(HttpContext http, User user, Func<CancellationToken, Task>? alsoInUnit,
        bool cookies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var (session, refreshToken, capped) = await unitOfWork.RunAsync(async ct =>
        {
            // AUTH-3: the counter resets on success — unless a concurrent failure locked the account meanwhile.
            if (!await lockout.RecordSuccessAsync(user.Id, ct))
            {
                throw LoginFailed(http, events, user, "locked_out");
            }

            if (alsoInUnit is not null)
            {
                await alsoInUnit(ct);
            }

            user.LastLoginAt = time.GetUtcNow().UtcDateTime;
            // AUTH-11: at most the cap of concurrent sessions; the oldest end.
            var overCap = await sessions.EnforceCapAsync(user, ct);
            // AUTH-5: every login starts a session (refresh-token family); its id is the token's sid.
            var (started, firstToken) = sessions.Start(user, http);
            return (started, firstToken, overCap);
        }, cancellationToken);
        await sessions.PublishAsync(capped, cancellationToken);

        var token = tokens.Issue(user.Id, user.TenantId, user.Roles, session.Sid);
        events.Emit(http, SecurityEventTypes.LoginSucceeded, SecurityOutcome.Success,
            actorId: user.Id.ToString(), tenantId: user.TenantId.ToString());
        return TokenResponse.For(http, browser, cookies, session.Sid, token.Token, token.ExpiresIn, refreshToken);
    }

    /// <summary>AUTH-2/AUTH-10: every failed login is the same 401; the reason goes to the security event only.</summary>
    public static BusinessRuleException LoginFailed(HttpContext http, ISecurityEvents events, User? user, string reason)
    {
        ArgumentNullException.ThrowIfNull(events);
        events.Emit(http, SecurityEventTypes.LoginFailed, SecurityOutcome.Failure, reason: reason,
            actorId: user?.Id.ToString(), tenantId: user?.TenantId.ToString());
        return new BusinessRuleException(StatusCodes.Status401Unauthorized, "Invalid credentials.");
    }
}
