namespace Bulwark.Security.Audit;

/// <summary>LOG-2: the taxonomy of security event types. Stable strings: alerts and filters key on them.</summary>
public static class SecurityEventTypes
{
    public const string LoginSucceeded = "auth.login.succeeded";
    public const string LoginFailed = "auth.login.failed";
    public const string TokenRejected = "auth.token.rejected";
    public const string RefreshSucceeded = "auth.refresh.succeeded";
    public const string RefreshFailed = "auth.refresh.failed";

    /// <summary>AUTH-5: a spent refresh token was presented after the grace window; the family is revoked. Critical.</summary>
    public const string RefreshReuse = "auth.refresh.reuse";
    public const string SessionRevoked = "auth.session.revoked";

    /// <summary>AUTH-3: an account passed the failed-login limit and is locked.</summary>
    public const string AccountLocked = "auth.account.locked";

    /// <summary>AUTH-3: an admin lifted an account's lockout.</summary>
    public const string AccountUnlocked = "auth.account.unlocked";

    /// <summary>AUTH-1/AUTH-11: a user changed their password (Success) or failed the re-authentication (Failure).</summary>
    public const string PasswordChanged = "auth.password.changed";
    public const string AuthorizationDenied = "authz.denied";
    public const string ValidationFailed = "input.validation.failed";
    public const string QueryRejected = "input.query.rejected";
    public const string AdminAction = "admin.action";
    public const string RateLimitRejected = "ratelimit.rejected";

    /// <summary>LOG-3: a record was created, updated or deleted (Action); Data holds the redacted field diff.</summary>
    public const string DataChanged = "data.changed";

    /// <summary>LOG-6: event types that are logged at Critical level, for alerting.</summary>
    public static bool IsCritical(string type) => string.Equals(type, RefreshReuse, StringComparison.Ordinal);
}

/// <summary>Outcome of the action a security event describes.</summary>
public enum SecurityOutcome
{
    Success,
    Failure,
    Denied,
}
