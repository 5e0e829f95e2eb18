namespace Bulwark.Security.RateLimiting;

/// <summary>
/// RL-1: one sliding-window counter definition: at most <see cref="PermitLimit"/> per <see cref="Window"/>, counted in
/// <see cref="Segments"/> segments. <see cref="Name"/> is stable (it names keys and policies). <see cref="Tier"/> is set
/// for the request tiers; BAN-1 detectors use rules without a tier (a refusal means "threshold reached").
/// </summary>
internal sealed record RateLimitRule(string Name, int PermitLimit, TimeSpan Window, int Segments, RateLimitTier? Tier = null)
{
    public TimeSpan Segment => Window / Segments;

    public static RateLimitRule For(RateLimitTier tier, RateLimitTierOptions options) =>
        new(RateLimitHeaders.PolicyName(tier), options.PermitLimit, TimeSpan.FromSeconds(options.WindowSeconds),
            options.SegmentsPerWindow, tier);

    /// <summary>RL-2: the same rule with its limit divided among <paramref name="instances"/> (never below 1).</summary>
    public RateLimitRule PerInstance(int instances) =>
        instances <= 1 ? this : this with { PermitLimit = Math.Max(1, PermitLimit / instances) };
}

/// <summary>
/// One counter to charge: a rule and the partition (client IP or user) within it; <paramref name="Member"/> splits the
/// partition further (a counter per member, under the same partition key); a <paramref name="Gate"/> that is refused
/// leaves the checks after it uncharged (BAN-1: "count this path only if it was not seen in the window").
/// </summary>
internal readonly record struct RateLimitCheck(RateLimitRule Rule, string Key, string? Member = null, bool Gate = false);

/// <summary>
/// Outcome of one store call: whether the client is banned (then nothing was charged) and, for each check refused,
/// its index and when to retry.
/// </summary>
internal sealed class RateLimitVerdict
{
    public static readonly RateLimitVerdict Granted = new([]);

    public RateLimitVerdict(IReadOnlyList<(int Index, TimeSpan RetryAfter)> refusals)
    {
        Refusals = refusals;
    }

    public IReadOnlyList<(int Index, TimeSpan RetryAfter)> Refusals { get; }

    /// <summary>BAN-1: the ban key is banned; no check was charged.</summary>
    public bool Banned { get; private init; }

    /// <summary>BAN-1: time left on the ban; null = permanent.</summary>
    public TimeSpan? BanRemaining { get; private init; }

    public static RateLimitVerdict Ban(TimeSpan? remaining) => new([]) { Banned = true, BanRemaining = remaining };
}

/// <summary>
/// RL-1/RL-2/BAN-1: where the counters live. All checks of one request go in one call together with the ban check, so
/// the Redis store answers them in one Lua script: one round trip per request (DESIGN.md budget). Each check is
/// charged atomically; a refused check consumes nothing; a banned key is charged nothing.
/// </summary>
internal interface IRateLimitStore
{
    /// <param name="checks">Counters to charge; all keys share one partition.</param>
    /// <param name="banKey">Client partition key to check against the ban list first, or null for no ban check.</param>
    /// <param name="cancellationToken">Request aborted.</param>
    ValueTask<RateLimitVerdict> AcquireAsync(IReadOnlyList<RateLimitCheck> checks, string? banKey, CancellationToken cancellationToken);
}
