using Bulwark.Erp.Data;
using Bulwark.Erp.Mfa;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Users;

/// <summary>
/// AUTH-11: re-authentication before a sensitive change (password, MFA, API keys): the caller's current password,
/// checked like a login, and — when the user has a second factor — a current TOTP code (AUTH-8, accepted once).
/// AUTH-3: a wrong password or code counts towards the lockout, and a locked account cannot proceed. The endpoint runs
/// behind the password-hashing gate (RL-5).
/// </summary>
public sealed class Reauthentication(BulwarkDbContext db, PasswordHashing passwords, AccountLockout lockout, MfaService mfa,
    UnitOfWork unitOfWork, ISecurityEvents events)
{
    /// <summary>The caller's (tracked) user when the proof is right; otherwise 403 and a <paramref name="eventType"/> failure event.</summary>
    public async Task<User> RequireAsync(HttpContext http, Guid userId, string password, string? code, string eventType,
        CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        var check = passwords.Verify(user?.PasswordHash, password);
        var proven = user is not null && user.IsActive && !lockout.IsLocked(user) && check != PasswordCheck.Failed
            && (!user.MfaEnabled || await unitOfWork.RunAsync(ct => mfa.TryAcceptCodeAsync(user, code, ct), cancellationToken));
        if (!proven)
        {
            if (await lockout.RecordFailureAsync(user?.Id, cancellationToken))
            {
                events.Emit(http, SecurityEventTypes.AccountLocked, SecurityOutcome.Denied, reason: "too_many_failures");
            }

            events.Emit(http, eventType, SecurityOutcome.Failure, reason: "reauthentication_failed");
            throw new BusinessRuleException(StatusCodes.Status403Forbidden, "The current password or code is not correct.");
        }

        return user!;
    }
}
