using Bulwark.Erp.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Erp.Users;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Bulwark.Security.Authorization;
using Bulwark.Security.Errors;
using Bulwark.Security.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Mfa;

/// <summary>
/// AUTH-8: the second factor. During login: <c>POST /auth/login/mfa</c> (code or recovery code) and, for a user who
/// must enroll first, <c>POST /auth/login/mfa/enroll</c>. Signed in: status, enroll (password), confirm (first code →
/// recovery codes), disable (password + code). A tenant can require it for everyone.
/// </summary>
public static class MfaEndpoints
{
    public static RouteGroupBuilder MapMfa(this IEndpointRouteBuilder api)
    {
        // RL-1: the auth tier. Guessing codes needs a challenge, and a challenge needs the password (login tier); one
        // challenge takes MaxChallengeAttempts wrong codes, and every wrong code counts towards the lockout (AUTH-3).
        var login = api.MapGroup("/auth/login").WithTags("Authentication")
            .RequireRateLimitTier(RateLimitTier.Auth).AllowAnonymous();   // AZ-1: the challenge token is the credential
        login.MapPost("/mfa", CompleteLogin).WithName("CompleteMfaLogin");
        login.MapPost("/mfa/enroll", EnrollDuringLogin).WithName("EnrollMfaDuringLogin");

        var mfa = api.MapGroup("/auth").WithTags("Authentication").RequireRateLimitTier(RateLimitTier.Auth)
            .RequireAuthenticatedOnly();   // own account only
        mfa.MapGet("/mfa", Status).WithName("GetMfaStatus");
        mfa.MapPost("/mfa/enroll", Enroll).WithName("EnrollMfa").RequirePasswordHashingSlot();
        mfa.MapPost("/mfa/confirm", Confirm).WithName("ConfirmMfa");
        mfa.MapPost("/mfa/disable", Disable).WithName("DisableMfa").RequirePasswordHashingSlot();

        api.MapGroup("/tenants").WithTags("Tenants")
            .MapPut("/current/mfa", SetTenantRequirement).WithName("SetTenantMfaRequirement").RequirePermission(Permissions.UsersManage);
        return login;
    }

    /// <summary>Marks a wrong second factor: the code is not accepted, and the reason is not said (AUTH-10).</summary>
    private sealed class SecondFactorRejected : Exception;

    private static async Task<Ok<TokenResponse>> CompleteLogin(MfaLoginRequest request, HttpContext http, MfaService mfa,
        SignInService signIn, AccountLockout lockout, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var found = await mfa.FindChallengeAsync(request.MfaToken!, cancellationToken);
        if (found is not ({ } challenge, { } user) || !user.IsActive || lockout.IsLocked(user))
        {
            throw SignInService.LoginFailed(http, events, found?.User, found is null ? "mfa_challenge_invalid" : "locked_out");
        }

        // A user who had to enroll finishes the enrollment with this first code (no recovery codes exist yet).
        var enrolling = !user.MfaEnabled;
        if (enrolling && (user.TotpSecret is null || request.Code is null))
        {
            throw SignInService.LoginFailed(http, events, user, "mfa_enrollment_missing");
        }

        IReadOnlyList<string>? recoveryCodes = null;
        try
        {
            var tokens = await signIn.CompleteAsync(http, user, async ct =>
            {
                // One transaction: the challenge is spent and the code accepted together, or neither.
                var accepted = await mfa.TryConsumeChallengeAsync(challenge.Id, ct)
                    && (request.Code is not null
                        ? await mfa.TryAcceptCodeAsync(user, request.Code, ct)
                        : await mfa.TryUseRecoveryCodeAsync(user, request.RecoveryCode, ct));
                if (!accepted)
                {
                    throw new SecondFactorRejected();
                }

                if (enrolling)
                {
                    recoveryCodes = await mfa.EnableAsync(user, ct);
                }
            }, request.Cookies == true, cancellationToken);
            if (enrolling)
            {
                events.Emit(http, SecurityEventTypes.MfaEnabled, SecurityOutcome.Success, reason: "enrolled_at_login",
                    actorId: user.Id.ToString(), tenantId: user.TenantId.ToString());
            }
            else if (request.RecoveryCode is not null)
            {
                events.Emit(http, SecurityEventTypes.MfaRecoveryCodeUsed, SecurityOutcome.Success,
                    actorId: user.Id.ToString(), tenantId: user.TenantId.ToString());
            }

            return TypedResults.Ok(tokens with { RecoveryCodes = recoveryCodes });
        }
        catch (SecondFactorRejected)
        {
            // AUTH-3/AUTH-8: a wrong (or replayed) code counts against the challenge and towards the account lockout.
            await mfa.CountFailedAttemptAsync(challenge.Id, cancellationToken);
            if (await lockout.RecordFailureAsync(user.Id, cancellationToken))
            {
                events.Emit(http, SecurityEventTypes.AccountLocked, SecurityOutcome.Denied, reason: "too_many_failures",
                    actorId: user.Id.ToString(), tenantId: user.TenantId.ToString());
            }

            throw SignInService.LoginFailed(http, events, user, "mfa_invalid_code");
        }
    }

    private static async Task<Ok<MfaEnrollmentResponse>> EnrollDuringLogin(MfaLoginEnrollRequest request, HttpContext http, MfaService mfa,
        UnitOfWork unitOfWork, AccountLockout lockout, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var found = await mfa.FindChallengeAsync(request.MfaToken!, cancellationToken);
        if (found is not (_, { } user) || !user.IsActive || lockout.IsLocked(user) || user.MfaEnabled)
        {
            // An enrolled user cannot replace their factor with only a password (that is what the second factor is for).
            throw SignInService.LoginFailed(http, events, found?.User, found is null ? "mfa_challenge_invalid" : "mfa_enroll_refused");
        }

        var enrollment = await unitOfWork.RunAsync(_ => Task.FromResult(mfa.BeginEnrollment(user)), cancellationToken);
        return TypedResults.Ok(enrollment);
    }

    private static async Task<Ok<MfaStatusResponse>> Status(HttpContext http, BulwarkDbContext db, MfaService mfa,
        CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == caller.UserId, cancellationToken);
        return TypedResults.Ok(new MfaStatusResponse(user.MfaEnabled, await mfa.IsRequiredAsync(user, cancellationToken),
            !user.MfaEnabled && user.TotpSecret is not null, await mfa.RecoveryCodesLeftAsync(user.Id, cancellationToken)));
    }

    private static async Task<Ok<MfaEnrollmentResponse>> Enroll(MfaEnrollRequest request, HttpContext http, Reauthentication reauthentication,
        MfaService mfa, UnitOfWork unitOfWork, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var user = await reauthentication.RequireAsync(http, caller.UserId, request.CurrentPassword!, null, SecurityEventTypes.MfaEnabled,
            cancellationToken);
        if (user.MfaEnabled)
        {
            // Replacing a factor needs the factor: disable (password + code), then enroll again.
            throw new BusinessRuleException(StatusCodes.Status409Conflict, "A second factor is already enabled; disable it first.");
        }

        return TypedResults.Ok(await unitOfWork.RunAsync(_ => Task.FromResult(mfa.BeginEnrollment(user)), cancellationToken));
    }

    private static async Task<Ok<MfaRecoveryCodesResponse>> Confirm(MfaConfirmRequest request, HttpContext http, BulwarkDbContext db,
        MfaService mfa, UnitOfWork unitOfWork, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var user = await db.Users.FirstAsync(u => u.Id == caller.UserId, cancellationToken);
        if (user.MfaEnabled || user.TotpSecret is null)
        {
            throw new BusinessRuleException(StatusCodes.Status409Conflict, "There is no enrollment to confirm.");
        }

        var codes = await unitOfWork.RunAsync(async ct =>
            await mfa.TryAcceptCodeAsync(user, request.Code, ct) ? await mfa.EnableAsync(user, ct) : null, cancellationToken);
        if (codes is null)
        {
            events.Emit(http, SecurityEventTypes.MfaEnabled, SecurityOutcome.Failure, reason: "invalid_code");
            throw BusinessRuleException.Unprocessable("The code is not valid.", "code");
        }

        events.Emit(http, SecurityEventTypes.MfaEnabled, SecurityOutcome.Success);
        return TypedResults.Ok(new MfaRecoveryCodesResponse(codes));
    }

    private static async Task<NoContent> Disable(MfaDisableRequest request, HttpContext http, Reauthentication reauthentication,
        MfaService mfa, UnitOfWork unitOfWork, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var user = await reauthentication.RequireAsync(http, caller.UserId, request.CurrentPassword!, request.Code,
            SecurityEventTypes.MfaDisabled, cancellationToken);
        if (!user.MfaEnabled)
        {
            throw new BusinessRuleException(StatusCodes.Status409Conflict, "No second factor is enabled.");
        }

        if (await mfa.IsRequiredAsync(user, cancellationToken))
        {
            throw BusinessRuleException.Unprocessable("A second factor is required for this account.");
        }

        await unitOfWork.RunAsync(async ct =>
        {
            await mfa.DisableAsync(user, ct);
            return 0;
        }, cancellationToken);
        events.Emit(http, SecurityEventTypes.MfaDisabled, SecurityOutcome.Success);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TenantMfaResponse>> SetTenantRequirement(TenantMfaRequest request, HttpContext http, BulwarkDbContext db,
        UnitOfWork unitOfWork, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var required = request.Required!.Value;
        await unitOfWork.RunAsync(async ct =>
        {
            var tenant = await db.Tenants.FirstAsync(t => t.Id == db.CurrentTenantId, ct);   // AZ-4: the caller's own tenant
            tenant.RequireMfa = required;
            return 0;
        }, cancellationToken);
        events.Emit(http, SecurityEventTypes.AdminAction, SecurityOutcome.Success, reason: $"tenant mfa required={required}");
        return TypedResults.Ok(new TenantMfaResponse(required));
    }
}
