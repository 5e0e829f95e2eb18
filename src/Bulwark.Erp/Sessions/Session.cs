using Bulwark.Erp.Data;

namespace Bulwark.Erp.Sessions;

/// <summary>
/// AUTH-5/AUTH-6/AUTH-11: one login of one user — a refresh-token family. Its id is the access
/// token's <c>sid</c>. It ends at <see cref="AbsoluteExpiresAt"/>, at <see cref="IdleExpiresAt"/> when
/// not refreshed, or when revoked (logout, reuse of a spent refresh token, …).
/// </summary>
public sealed class Session : TenantEntity
{
    public const int MaxUserAgentLength = 256;

    public required Guid UserId { get; init; }

    public DateTime LastSeenAt { get; set; }

    public DateTime AbsoluteExpiresAt { get; init; }

    public DateTime IdleExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    /// <summary>Why it was revoked: a code (<see cref="SessionRevocationReasons"/>), never free text.</summary>
    public string? RevokedReason { get; set; }

    /// <summary>The login's User-Agent, truncated to <see cref="MaxUserAgentLength"/> (shown in the session list).</summary>
    public string? UserAgent { get; init; }

    public string? IpAddress { get; init; }

    /// <summary>The access-token <c>sid</c> of this session.</summary>
    public string Sid => Id.ToString("N");
}

/// <summary>Codes stored in <see cref="Session.RevokedReason"/>.</summary>
public static class SessionRevocationReasons
{
    public const string Logout = "logout";
    public const string LogoutAll = "logout_all";
    public const string RefreshReuse = "refresh_reuse";
    public const string PasswordChanged = "password_changed";
    public const string EmailChanged = "email_changed";
    public const string EndedByUser = "ended_by_user";
    public const string SessionCap = "session_cap";
}
