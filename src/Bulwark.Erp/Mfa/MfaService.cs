using Bulwark.Erp.Data;
using Bulwark.Erp.Users;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Mfa;

/// <summary>
/// AUTH-8: TOTP second factor — who must use it, login challenges, code checks that accept each code once, recovery
/// codes, enrollment. Every "only once" is a conditional UPDATE, so concurrent requests cannot both use the same code,
/// challenge or recovery code. Methods that write run inside the caller's unit of work (single-writer path).
/// </summary>
public sealed class MfaService(BulwarkDbContext db, Authorization.TenantScope scope, UnitOfWork unitOfWork, IOptions<MfaOptions> options, TimeProvider time)
{
    private readonly MfaOptions _options = options.Value;
    private readonly IReadOnlySet<string> _requiredRoles = options.Value.RequiredRoleSet();

    /// <summary>True when the user must have a second factor: a role of <c>Bulwark:Mfa:RequiredRoles</c> or the tenant's setting.</summary>
    public async Task<bool> IsRequiredAsync(User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Roles.Any(_requiredRoles.Contains)
            || await db.Tenants.AnyAsync(t => t.Id == user.TenantId && t.RequireMfa, cancellationToken);
    }

    /// <summary>Opens the second step of a login (the password was right).</summary>
    public async Task<MfaChallengeResponse> StartChallengeAsync(HttpContext http, User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var token = RefreshTokenCodec.NewToken();
        var now = time.GetUtcNow().UtcDateTime;
        await unitOfWork.RunAsync(async ct =>
        {
            // Housekeeping: this user's spent or expired challenges go.
            await db.MfaChallenges.IgnoreQueryFilters()
                .Where(c => c.UserId == user.Id && (c.ExpiresAt <= now || c.ConsumedAt != null))
                .ExecuteDeleteAsync(ct);
            db.MfaChallenges.Add(new MfaChallenge
            {
                TenantId = user.TenantId,
                UserId = user.Id,
                TokenHash = RefreshTokenCodec.Hash(token),
                ExpiresAt = now + _options.ChallengeLifetime,
            });
            return 0;
        }, cancellationToken);
        return new MfaChallengeResponse(true, token, !user.MfaEnabled, (int)_options.ChallengeLifetime.TotalSeconds);
    }

    /// <summary>The open challenge for <paramref name="token"/> and its (tracked) user; null when unknown, spent, expired or used up.</summary>
    public async Task<(MfaChallenge Challenge, User User)?> FindChallengeAsync(string token, CancellationToken cancellationToken)
    {
        var hash = RefreshTokenCodec.Hash(token);
        var now = time.GetUtcNow().UtcDateTime;
        // AZ-4: the MFA step is anonymous: the challenge token names its tenant, entered before its rows are read.
        if (!await scope.EnterTenantOfAsync(db, $"SELECT bulwark_tenant_of_mfa_challenge({hash}) AS \"Value\"",
                db.MfaChallenges.IgnoreQueryFilters().Where(c => c.TokenHash == hash).Select(c => c.TenantId), cancellationToken))
        {
            return null;
        }

        var challenge = await db.MfaChallenges.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(c => c.TokenHash == hash && c.ConsumedAt == null && c.ExpiresAt > now
                                      && c.FailedAttempts < _options.MaxChallengeAttempts, cancellationToken);
        if (challenge is null)
        {
            return null;
        }

        var user = await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Id == challenge.UserId, cancellationToken);
        return user is null ? null : (challenge, user);
    }

    /// <summary>Spends the challenge; false when a concurrent request spent it first. In a unit of work.</summary>
    public async Task<bool> TryConsumeChallengeAsync(Guid challengeId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await db.MfaChallenges.IgnoreQueryFilters().Where(c => c.Id == challengeId && c.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsumedAt, now), cancellationToken) == 1;
    }

    /// <summary>Counts a wrong code against the challenge (it dies at the limit).</summary>
    public Task CountFailedAttemptAsync(Guid challengeId, CancellationToken cancellationToken) =>
        unitOfWork.RunAsync(ct => db.MfaChallenges.IgnoreQueryFilters().Where(c => c.Id == challengeId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.FailedAttempts, c => c.FailedAttempts + 1), ct), cancellationToken);

    /// <summary>
    /// AUTH-8: true when <paramref name="code"/> is valid now (±1 step) for the user's secret and its step is later than
    /// the last one accepted — which it then becomes (a code is accepted once, even by concurrent requests). In a unit of work.
    /// </summary>
    public async Task<bool> TryAcceptCodeAsync(User user, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.TotpSecret is null || TotpCodes.Verify(user.TotpSecret, code, time.GetUtcNow()) is not { } step)
        {
            return false;
        }

        var accepted = await db.Users.IgnoreQueryFilters()
            .Where(u => u.Id == user.Id && (u.TotpLastStep == null || u.TotpLastStep < step))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpLastStep, step), cancellationToken) == 1;
        if (accepted)
        {
            user.TotpLastStep = step;
            db.Entry(user).Property(u => u.TotpLastStep).IsModified = false;   // already written
        }

        return accepted;
    }

    /// <summary>AUTH-8: uses one recovery code of the user (once). In a unit of work.</summary>
    public async Task<bool> TryUseRecoveryCodeAsync(User user, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (TotpCodes.HashRecoveryCode(code) is not { } hash)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        return await db.RecoveryCodes.IgnoreQueryFilters()
            .Where(c => c.UserId == user.Id && c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken) == 1;
    }

    /// <summary>Starts (or restarts) an enrollment: a new secret, not yet in force. In a unit of work.</summary>
    public MfaEnrollmentResponse BeginEnrollment(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        user.TotpSecret = TotpCodes.NewSecret();
        user.TotpEnabledAt = null;
        user.TotpLastStep = null;
        return new MfaEnrollmentResponse(user.TotpSecret, TotpCodes.OtpAuthUri(_options.Issuer, user.Email, user.TotpSecret));
    }

    /// <summary>Turns the pending enrollment on and issues fresh recovery codes (old ones go). In a unit of work, after a code was accepted.</summary>
    public async Task<IReadOnlyList<string>> EnableAsync(User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        user.TotpEnabledAt = time.GetUtcNow().UtcDateTime;
        await db.RecoveryCodes.IgnoreQueryFilters().Where(c => c.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        var codes = TotpCodes.NewRecoveryCodes(_options.RecoveryCodeCount);
        foreach (var code in codes)
        {
            db.RecoveryCodes.Add(new RecoveryCode { TenantId = user.TenantId, UserId = user.Id, CodeHash = TotpCodes.HashRecoveryCode(code)! });
        }

        return codes;
    }

    /// <summary>Turns the second factor off (secret, state and recovery codes). In a unit of work.</summary>
    public async Task DisableAsync(User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        user.TotpSecret = null;
        user.TotpEnabledAt = null;
        user.TotpLastStep = null;
        await db.RecoveryCodes.IgnoreQueryFilters().Where(c => c.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
    }

    public Task<int> RecoveryCodesLeftAsync(Guid userId, CancellationToken cancellationToken) =>
        db.RecoveryCodes.IgnoreQueryFilters().CountAsync(c => c.UserId == userId && c.UsedAt == null, cancellationToken);
}
