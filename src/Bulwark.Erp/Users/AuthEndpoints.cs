using Bulwark.Security.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Erp.Sessions;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Bulwark.Security.Errors;
using Bulwark.Security.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Users;

public static class AuthEndpoints
{
    /// <summary>AUTH-10: the one answer for every refresh failure (unknown, spent, expired, revoked).</summary>
    private const string InvalidRefreshToken = "Invalid refresh token.";

    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder api)
    {
        // RL-1: the auth tier (per IP) on every authentication endpoint.
        var group = api.MapGroup("/auth").WithTags("Authentication").RequireRateLimitTier(RateLimitTier.Auth);
        // AZ-1: login and refresh are two of the few explicitly anonymous endpoints.
        // RL-1: login tier; RL-5: password hashing behind the gate.
        group.MapPost("/login", Login).WithName("Login").AllowAnonymous()
            .RequireRateLimitTier(RateLimitTier.Login).RequirePasswordHashingSlot();
        group.MapPost("/refresh", Refresh).WithName("Refresh").AllowAnonymous();
        group.MapPost("/logout", Logout).WithName("Logout").RequireAuthenticatedOnly();
        group.MapPost("/logout-all", LogoutAll).WithName("LogoutAll").RequireAuthenticatedOnly();
        return group;
    }

    private static async Task<Results<Ok<TokenResponse>, Ok<Mfa.MfaChallengeResponse>>> Login(LoginRequest request, HttpContext http,
        BulwarkDbContext db, PasswordHashing passwords, SignInService signIn, Mfa.MfaService mfa, AccountLockout lockout,
        Authorization.TenantScope scope, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var normalizedEmail = User.Normalize(request.Email!);
        // AZ-4: login looks a user up before there is a tenant in the principal: the slug names the tenant, which is
        // entered first, so row-level security shows that tenant's users only. An unknown slug enters nothing and
        // runs the same user query (matching nothing): the database work does not tell the cases apart (AUTH-2).
        var tenantId = await db.Tenants.Where(t => t.Slug == request.Tenant).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(cancellationToken);
        if (tenantId is { } known)
        {
            await scope.EnterAsync(db, known, cancellationToken);
        }

        var user = await db.Users.IgnoreQueryFilters()
            .Where(u => u.NormalizedEmail == normalizedEmail && u.TenantId == tenantId)
            .FirstOrDefaultAsync(cancellationToken);

        // AUTH-2: unknown user, inactive user, locked account and wrong password take the same path (one full
        // hash, the same lockout statements) and produce the same response.
        var check = passwords.Verify(user?.PasswordHash, request.Password!);
        var locked = user is not null && lockout.IsLocked(user);
        if (user is null || !user.IsActive || locked || check == PasswordCheck.Failed)
        {
            // AUTH-3: counted per account in the database (all IPs, all instances).
            if (await lockout.RecordFailureAsync(user?.Id, cancellationToken))
            {
                events.Emit(http, SecurityEventTypes.AccountLocked, SecurityOutcome.Denied, reason: "too_many_failures",
                    actorId: user!.Id.ToString(), tenantId: user.TenantId.ToString());
            }

            throw SignInService.LoginFailed(http, events, user, locked ? "locked_out" : "invalid_credentials");
        }

        if (check == PasswordCheck.ValidRehashNeeded)
        {
            // AUTH-1: upgrade the hash to the current parameters on a correct password (saved by the unit of work below).
            user.PasswordHash = passwords.Hash(request.Password!);
        }

        // AUTH-8: with a second factor enrolled or required, the password only opens a challenge. The failure count is
        // not reset until the second factor succeeds, so wrong codes add up towards the lockout (AUTH-3).
        if (user.MfaEnabled || await mfa.IsRequiredAsync(user, cancellationToken))
        {
            return TypedResults.Ok(await mfa.StartChallengeAsync(http, user, cancellationToken));
        }

        return TypedResults.Ok(await signIn.CompleteAsync(http, user, null, request.Cookies == true, cancellationToken));
    }

    private static async Task<Ok<TokenResponse>> Refresh(RefreshRequest request, HttpContext http, UnitOfWork unitOfWork,
        SessionService sessions, AccessTokenIssuer tokens, BrowserSession browser, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var cookies = request.Cookies == true;
        var presented = cookies ? await CookieRefreshTokenAsync(http, sessions, browser, events, cancellationToken) : request.RefreshToken!;
        // AUTH-5: consume and rotate in one unit of work (single-writer gate + transaction).
        var outcome = await unitOfWork.RunAsync(ct => sessions.RefreshAsync(presented, ct), cancellationToken);
        var actorId = outcome.User?.Id.ToString();
        var tenantId = outcome.User?.TenantId.ToString();
        if (outcome.ReuseDetected)
        {
            // AUTH-5/LOG-6: the family is revoked in the database; make it effective for access tokens now.
            await sessions.PublishAsync([sessions.ToRevoked(outcome.Session!)], cancellationToken);
            events.Emit(http, SecurityEventTypes.RefreshReuse, SecurityOutcome.Denied, reason: outcome.FailureReason,
                actorId: actorId, tenantId: tenantId);
        }

        if (!outcome.Succeeded)
        {
            if (!outcome.ReuseDetected)
            {
                events.Emit(http, SecurityEventTypes.RefreshFailed, SecurityOutcome.Failure, reason: outcome.FailureReason,
                    actorId: actorId, tenantId: tenantId);
            }

            // AUTH-10: same status and body whatever the reason; the reason is only in the security event.
            throw new BusinessRuleException(StatusCodes.Status401Unauthorized, InvalidRefreshToken);
        }

        var user = outcome.User!;
        var token = tokens.Issue(user.Id, user.TenantId, user.Roles, outcome.Session!.Sid);
        events.Emit(http, SecurityEventTypes.RefreshSucceeded, SecurityOutcome.Success, actorId: actorId, tenantId: tenantId);
        return TypedResults.Ok(TokenResponse.For(http, browser, cookies, outcome.Session.Sid, token.Token, token.ExpiresIn,
            outcome.RefreshToken!));
    }

    /// <summary>
    /// AUTH-7: the refresh token of the browser-mode cookie — only with the CSRF token of its session, checked BEFORE
    /// anything is consumed (a forged cross-site refresh must not spend the token and so kill the family, AUTH-5).
    /// </summary>
    private static async Task<string> CookieRefreshTokenAsync(HttpContext http, SessionService sessions, BrowserSession browser,
        ISecurityEvents events, CancellationToken cancellationToken)
    {
        var token = http.Request.Cookies.TryGetValue(BrowserSession.RefreshCookie, out var value) && RefreshTokenCodec.IsWellFormed(value)
            ? value
            : null;
        var sid = token is null ? null : await sessions.SessionIdOfAsync(token, cancellationToken);
        if (!browser.HasValidCsrfToken(http.Request, sid))
        {
            events.Emit(http, SecurityEventTypes.RefreshFailed, SecurityOutcome.Failure,
                reason: sid is null ? "cookie_missing_or_unknown" : "csrf_token_invalid");
            // AUTH-7: no live session behind the cookie is 401; a live one without its CSRF token is 403 (nothing spent).
            throw sid is null
                ? new BusinessRuleException(StatusCodes.Status401Unauthorized, InvalidRefreshToken)
                : new BusinessRuleException(StatusCodes.Status403Forbidden, BrowserSession.CsrfRefused);
        }

        return token!;
    }

    private static Task<NoContent> Logout(HttpContext http, UnitOfWork unitOfWork, SessionService sessions,
        ISecurityEvents events, CancellationToken cancellationToken) =>
        EndSessionsAsync(http, unitOfWork, sessions, events, allSessions: false, cancellationToken);

    private static Task<NoContent> LogoutAll(HttpContext http, UnitOfWork unitOfWork, SessionService sessions,
        ISecurityEvents events, CancellationToken cancellationToken) =>
        EndSessionsAsync(http, unitOfWork, sessions, events, allSessions: true, cancellationToken);

    private static async Task<NoContent> EndSessionsAsync(HttpContext http, UnitOfWork unitOfWork, SessionService sessions,
        ISecurityEvents events, bool allSessions, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var sessionId = caller.Session;
        if (!allSessions && sessionId is null)
        {
            return TypedResults.NoContent();
        }

        // AUTH-6: persisted first (survives restarts, reloaded at start), then published to the revoked set.
        var reason = allSessions ? SessionRevocationReasons.LogoutAll : SessionRevocationReasons.Logout;
        var revoked = await unitOfWork.RunAsync(
            ct => sessions.RevokeAsync(caller.UserId, allSessions ? null : sessionId, reason, ct), cancellationToken);
        await sessions.PublishAsync(revoked, cancellationToken);
        events.Emit(http, SecurityEventTypes.SessionRevoked, SecurityOutcome.Success, reason: reason);
        if (BrowserSession.IsCookieAuthenticated(http))
        {
            BrowserSession.Clear(http.Response);   // AUTH-7: the browser forgets the ended session's cookies
        }

        return TypedResults.NoContent();
    }
}
