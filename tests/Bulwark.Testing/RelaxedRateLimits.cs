namespace Bulwark.Testing;

/// <summary>
/// RL-1/RL-5 in functional tests: the suite sends thousands of requests (and many logins) from one client, and the
/// in-process host has no client IP (one shared partition). The default fixtures therefore raise every tier and
/// the hashing queue far above what a test sends; the limiter still runs on every request. BAN-1 detectors run in
/// report-only mode. Rate-limit and ban tests call <see cref="Remove"/> to run at the real defaults.
/// </summary>
public static class RelaxedRateLimits
{
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Bulwark:RateLimiting:Global:PermitLimit"] = "1000000",
        ["Bulwark:RateLimiting:Auth:PermitLimit"] = "1000000",
        ["Bulwark:RateLimiting:Login:PermitLimit"] = "1000000",
        ["Bulwark:RateLimiting:User:PermitLimit"] = "1000000",
        ["Bulwark:RateLimiting:HashingQueueLimit"] = "100000",
        // BAN-1: the suites send hundreds of 400s, 401s, unknown paths and attack payloads (validation batteries) from
        // one client: detectors still run, but only report (abuse.ban.reported), and the counting thresholds are out of reach.
        ["Bulwark:Bans:ReportOnly"] = "true",
        ["Bulwark:Bans:AuthFailureThreshold"] = "1000000",
        ["Bulwark:Bans:ValidationFailureThreshold"] = "1000000",
        ["Bulwark:Bans:UnknownPathThreshold"] = "1000000",
        // AUTH-11: suites log in as the same demo users far more than 10 times and keep earlier tokens; the session
        // cap is raised likewise (SessionCapTests run at the default).
        ["Bulwark:Sessions:MaxSessionsPerUser"] = "1000",
    };

    /// <summary>Adds the relaxed limits where <paramref name="settings"/> does not set a value already.</summary>
    public static void AddTo(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (key, value) in Settings)
        {
            settings.TryAdd(key, value);
        }
    }

    /// <summary>Back to the product defaults (for rate-limit tests).</summary>
    public static void Remove(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var key in Settings.Keys)
        {
            settings.Remove(key);
        }
    }
}
