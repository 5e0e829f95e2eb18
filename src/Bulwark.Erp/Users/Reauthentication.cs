using Bulwark.Erp.Data;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Users;

/// <summary>
/// AUTH-11: re-authentication before a sensitive change (password, API keys): the caller's current password,
/// checked like a login. AUTH-3: a wrong one counts towards the lockout, and a locked account cannot proceed.
/// The endpoint runs behind the password-hashing gate (RL-5).
/// </summary>
public sealed class Reauthentication(BulwarkDbContext db, PasswordHashing passwords, AccountLockout lockout, ISecurityEvents events)
{
    /// <summary>The caller's user when <paramref name="password"/> is theirs; otherwise 403 and a <paramref name="eventType"/> failure event.</summary>
    public async Task<User> RequirePasswordAsync(HttpContext http, Guid userId, string password, string eventType,
        CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        var check = passwords.Verify(user?.PasswordHash, password);
        if (user is null || !user.IsActive || lockout.IsLocked(user) || check == PasswordCheck.Failed)
        {
            if (await lockout.RecordFailureAsync(user?.Id, cancellationToken))
            {
                events.Emit(http, SecurityEventTypes.AccountLocked, SecurityOutcome.Denied, reason: "too_many_failures");
            }

            events.Emit(http, eventType, SecurityOutcome.Failure, reason: "reauthentication_failed");
            throw new BusinessRuleException(StatusCodes.Status403Forbidden, "The current password is not correct.");
        }

        return user;
    }
}
