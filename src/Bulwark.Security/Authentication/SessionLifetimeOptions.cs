using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Authentication;

/// <summary>AUTH-5: session and refresh-token lifetimes, bound from <c>Bulwark:Sessions</c>.</summary>
public sealed class SessionLifetimeOptions
{
    public const string SectionName = "Bulwark:Sessions";

    /// <summary>
    /// Absolute session lifetime: after it, no refresh works and the user logs in again. Default 30 days;
    /// longer lets a stolen refresh token live longer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Idle timeout: a session not refreshed for this long ends. Default 7 days; at most the absolute lifetime.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "90.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Reuse grace window: a spent refresh token presented again within this time after its first use
    /// returns the same successor (a client racing itself) instead of revoking the family. Default 10 s,
    /// at most 60 s; every second of it is a second in which a thief replaying a stolen token is not detected.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReuseGraceWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// AUTH-11: concurrent sessions per user; a login beyond it ends the user's oldest session. Default 10; higher
    /// lets a stolen credential sit alongside the owner's devices unnoticed for longer.
    /// </summary>
    [Range(1, 1000)]
    public int MaxSessionsPerUser { get; set; } = 10;
}
