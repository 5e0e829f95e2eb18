namespace Bulwark.Security.RateLimiting;

/// <summary>One counter to charge: a tier and the partition (client IP or user) within it.</summary>
internal readonly record struct RateLimitCheck(RateLimitTier Tier, string Key);

/// <summary>Outcome of charging a set of checks: for each check refused, its index and when to retry.</summary>
internal sealed class RateLimitVerdict
{
    public static readonly RateLimitVerdict Granted = new([]);

    public RateLimitVerdict(IReadOnlyList<(int Index, TimeSpan RetryAfter)> refusals)
    {
        Refusals = refusals;
    }

    public IReadOnlyList<(int Index, TimeSpan RetryAfter)> Refusals { get; }
}

/// <summary>
/// RL-1/RL-2: where the counters live. All checks of one request go in one call, so the Redis store can
/// charge them (and check the ban list) in one Lua script: one round trip per request (DESIGN.md budget).
/// Each check is charged atomically; a refused check consumes nothing.
/// </summary>
internal interface IRateLimitStore
{
    ValueTask<RateLimitVerdict> AcquireAsync(IReadOnlyList<RateLimitCheck> checks, CancellationToken cancellationToken);
}
