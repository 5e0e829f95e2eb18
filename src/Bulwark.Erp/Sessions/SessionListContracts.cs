namespace Bulwark.Erp.Sessions;

/// <summary>AUTH-11: one of the caller's open sessions, as the session list shows it (never a token).</summary>
public sealed record SessionResponse(
    Guid Id,
    string? UserAgent,
    string? IpAddress,
    DateTime CreatedAt,
    DateTime LastSeenAt,
    DateTime ExpiresAt,
    bool Current);
