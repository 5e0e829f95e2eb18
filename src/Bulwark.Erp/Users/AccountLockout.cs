using Bulwark.Erp.Data;
using Bulwark.Security.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Users;

/// <summary>
/// AUTH-3: failed logins counted per account in the database, so every IP and every instance adds to the same
/// counter (the database is shared by construction). Each step is one conditional UPDATE: concurrent failures
/// never lose a count, and exactly one of them performs the lock.
/// </summary>
public sealed class AccountLockout(BulwarkDbContext db, WriteGate gate, IOptions<LockoutOptions> options, TimeProvider time)
{
    /// <summary>True while <paramref name="user"/> is locked.</summary>
    public bool IsLocked(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.LockedUntil is { } until && until > time.GetUtcNow().UtcDateTime;
    }

    /// <summary>
    /// Counts a failed login of <paramref name="userId"/> (null: unknown user) and locks the account when the count
    /// passes the limit. Returns true when this very failure locked it. AUTH-2: an unknown user and a locked account
    /// run the same two statements (matching no row), so the database work does not tell them apart either.
    /// </summary>
    public async Task<bool> RecordFailureAsync(Guid? userId, CancellationToken cancellationToken)
    {
        var id = userId ?? Guid.Empty;
        var now = time.GetUtcNow().UtcDateTime;
        var limit = options.Value.MaxFailedAttempts;
        DateTime? until = now + options.Value.LockoutDuration;
        using var _ = await gate.EnterAsync(cancellationToken);
        // A locked account does not count further failures: its lock ends at the time set when it locked.
        await db.Users.IgnoreQueryFilters()
            .Where(u => u.Id == id && (u.LockedUntil == null || u.LockedUntil <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, u => u.FailedLoginCount + 1), cancellationToken);
        // PostgreSQL: a concurrent twin waits on the row lock, then re-checks the condition against the reset count,
        // so only one request locks (and reports it). SQLite: the write gate serializes both statements.
        var locked = await db.Users.IgnoreQueryFilters()
            .Where(u => u.Id == id && u.FailedLoginCount > limit)
            .ExecuteUpdateAsync(s => s
                .SetProperty(u => u.LockedUntil, until)
                .SetProperty(u => u.FailedLoginCount, 0), cancellationToken);
        return locked == 1;
    }

    /// <summary>
    /// After a correct password (call inside the login's unit of work): resets the counter, unless the account got
    /// locked since it was read — then false, and the login must fail like any other.
    /// </summary>
    public async Task<bool> RecordSuccessAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var open = await db.Users.IgnoreQueryFilters()
            .Where(u => u.Id == userId && (u.LockedUntil == null || u.LockedUntil <= now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(u => u.FailedLoginCount, 0)
                .SetProperty(u => u.LockedUntil, (DateTime?)null), cancellationToken);
        return open == 1;
    }
}
