using Bulwark.Erp.Data;
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
    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder api)
    {
        // RL-1: the auth tier (per IP) on every authentication endpoint.
        var group = api.MapGroup("/auth").WithTags("Authentication").RequireRateLimitTier(RateLimitTier.Auth);
        // AZ-1: one of the few explicitly anonymous endpoints. RL-1: login tier; RL-5: hashing behind the gate.
        group.MapPost("/login", Login).WithName("Login").AllowAnonymous()
            .RequireRateLimitTier(RateLimitTier.Login).RequirePasswordHashingSlot();
        return group;
    }

    private static async Task<Ok<TokenResponse>> Login(LoginRequest request, HttpContext http, BulwarkDbContext db,
        PasswordHashing passwords, AccessTokenIssuer tokens, UnitOfWork unitOfWork, ISecurityEvents events,
        CancellationToken cancellationToken)
    {
        var normalizedEmail = User.Normalize(request.Email!);
        // Login is the one place that looks a user up before there is a tenant in the principal.
        var user = await db.Users.IgnoreQueryFilters()
            .Where(u => u.NormalizedEmail == normalizedEmail
                        && db.Tenants.Any(t => t.Id == u.TenantId && t.Slug == request.Tenant))
            .FirstOrDefaultAsync(cancellationToken);

        // AUTH-2: unknown user, inactive user and wrong password take the same path (one full hash)
        // and produce the same response.
        var check = passwords.Verify(user?.PasswordHash, request.Password!);
        if (user is null || !user.IsActive || check == PasswordCheck.Failed)
        {
            events.Emit(http, SecurityEventTypes.LoginFailed, SecurityOutcome.Failure, reason: "invalid_credentials",
                actorId: user?.Id.ToString(), tenantId: user?.TenantId.ToString());
            throw new BusinessRuleException(StatusCodes.Status401Unauthorized, "Invalid credentials.");
        }

        if (check == PasswordCheck.ValidRehashNeeded)
        {
            // AUTH-1: upgrade the hash to the current parameters on a successful login.
            user.PasswordHash = passwords.Hash(request.Password!);
            await unitOfWork.RunAsync(_ => Task.FromResult(true), cancellationToken);
        }

        var sessionId = Guid.CreateVersion7().ToString("N");
        var token = tokens.Issue(user.Id, user.TenantId, user.Roles, sessionId);
        events.Emit(http, SecurityEventTypes.LoginSucceeded, SecurityOutcome.Success,
            actorId: user.Id.ToString(), tenantId: user.TenantId.ToString());
        return TypedResults.Ok(new TokenResponse(token.Token, "Bearer", token.ExpiresIn));
    }
}
