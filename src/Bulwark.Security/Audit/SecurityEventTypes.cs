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

    /// <summary>AUTH-6: an admin disabled an account (its sessions end at once, its API keys lose every permission).</summary>
    public const string AccountDisabled = "auth.account.disabled";

    /// <summary>AUTH-6: an admin enabled a disabled account.</summary>
    public const string AccountEnabled = "auth.account.enabled";

    /// <summary>AUTH-1/AUTH-11: a user changed their password (Success) or failed the re-authentication (Failure).</summary>
    public const string PasswordChanged = "auth.password.changed";

    /// <summary>AUTH-1/AUTH-6: an admin set a new password for another user (all of that user's sessions end).</summary>
    public const string PasswordReset = "auth.password.reset";

    /// <summary>AUTH-11: a user changed their sign-in e-mail (Success) or failed the re-authentication (Failure).</summary>
    public const string EmailChanged = "auth.email.changed";

    /// <summary>AUTH-8: a second factor was enabled (Success) or a confirmation/re-authentication failed (Failure).</summary>
    public const string MfaEnabled = "auth.mfa.enabled";

    /// <summary>AUTH-8: a second factor was disabled (Success) or the re-authentication for it failed (Failure).</summary>
    public const string MfaDisabled = "auth.mfa.disabled";

    /// <summary>AUTH-8: a login used one of the single-use recovery codes.</summary>
    public const string MfaRecoveryCodeUsed = "auth.mfa.recovery_code_used";

    /// <summary>AUTH-9: an API key was created (Success) or its creator failed the re-authentication (Failure).</summary>
    public const string ApiKeyCreated = "auth.apikey.created";

    /// <summary>AUTH-9: an API key was revoked.</summary>
    public const string ApiKeyRevoked = "auth.apikey.revoked";
    public const string AuthorizationDenied = "authz.denied";

    /// <summary>AZ-6: a record id of another tenant was requested (answered 404, like a missing one).</summary>
    public const string CrossTenantAccess = "authz.cross_tenant";

    /// <summary>AZ-2: a user's roles were changed (their sessions are revoked, their permission cache cleared).</summary>
    public const string RolesChanged = "authz.roles.changed";
    public const string ValidationFailed = "input.validation.failed";
    public const string QueryRejected = "input.query.rejected";
    public const string AdminAction = "admin.action";
    public const string RateLimitRejected = "ratelimit.rejected";

    /// <summary>RL-2: Redis became unreachable; per-instance fallback limits apply (alert on it).</summary>
    public const string RateLimitStoreDegraded = "ratelimit.store.degraded";

    /// <summary>RL-2: Redis is reachable again; shared limits resume.</summary>
    public const string RateLimitStoreRecovered = "ratelimit.store.recovered";

    /// <summary>BAN-1: a client IP was banned (Reason: detector;offence=N;until=…|permanent).</summary>
    public const string BanCreated = "abuse.ban.created";

    /// <summary>BAN-1: an admin lifted a ban (ActorId: who).</summary>
    public const string BanLifted = "abuse.ban.lifted";

    /// <summary>BAN-1: a detector in report-only mode would have banned the client.</summary>
    public const string BanReported = "abuse.ban.reported";

    /// <summary>LOG-3: a record was created, updated or deleted (Action); Data holds the redacted field diff.</summary>
    public const string DataChanged = "data.changed";

    /// <summary>DATA-1: a stored encrypted value failed its integrity check (altered database or wrong master key).</summary>
    public const string DataIntegrityFailed = "data.integrity.failed";

    /// <summary>LOG-3: a verification (admin endpoint or <c>verify-audit</c>) found the audit chain broken. Critical.</summary>
    public const string AuditChainBroken = "audit.chain.broken";

    /// <summary>
    /// LOG-6: events logged at Critical level and sent to the alert webhook: refresh-token reuse, a permanent ban, the
    /// admin role granted, the audit chain broken, the rate-limit store lost (Redis fallback), an encrypted value that
    /// failed its integrity check.
    /// </summary>
    public static bool IsCritical(SecurityEvent securityEvent)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        return securityEvent.Type switch
        {
            RefreshReuse or AuditChainBroken or RateLimitStoreDegraded or DataIntegrityFailed => true,
            BanCreated => securityEvent.Reason?.EndsWith("until=permanent", StringComparison.Ordinal) == true,
            RolesChanged => securityEvent.Reason?.Contains(SecurityEventMarkers.AdminGranted, StringComparison.Ordinal) == true,
            _ => false,
        };
    }
}

/// <summary>Outcome of the action a security event describes.</summary>
public enum SecurityOutcome
{
    Success,
    Failure,
    Denied,
}

/// <summary>Fixed words inside event reasons that other components (alerting) look for.</summary>
public static class SecurityEventMarkers
{
    /// <summary>AZ-2/LOG-6: in the <see cref="SecurityEventTypes.RolesChanged"/> reason when the change gave a user the admin role.</summary>
    public const string AdminGranted = "admin_granted";
}
