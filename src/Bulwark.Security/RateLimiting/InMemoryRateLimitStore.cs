using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.RateLimiting;

/// <summary>
/// RL-1 (embedded mode): the framework's <see cref="SlidingWindowRateLimiter"/>, one per tier and partition, kept by
/// <see cref="PartitionedRateLimiter.Create{TResource, TPartitionKey}"/> (which replenishes them and drops idle ones).
/// Atomic per counter (the limiter locks), per instance only.
/// </summary>
/// <remarks>
/// Sliding window rather than token bucket: the configured contract is "N requests per minute", and a sliding
/// window enforces exactly that over any 60 s span (to a segment); it advertises cleanly as
/// <c>RateLimit-Policy: q=N;w=60</c>, and in Redis it is a few INCR/EXPIRE per segment. A token bucket would
/// allow a full bucket of burst followed by a steady refill, a different contract harder to state in headers.
/// A fixed window would allow 2N across a window boundary.
/// </remarks>
internal sealed class InMemoryRateLimitStore : IRateLimitStore, IDisposable
{
    private readonly Dictionary<RateLimitTier, (PartitionedRateLimiter<string> Limiter, TimeSpan Segment)> _tiers = [];

    public InMemoryRateLimitStore(IOptions<RateLimitingOptions> options)
    {
        foreach (var tier in Enum.GetValues<RateLimitTier>())
        {
            var tierOptions = options.Value.For(tier);
            var window = TimeSpan.FromSeconds(tierOptions.WindowSeconds);
            var limiterOptions = new SlidingWindowRateLimiterOptions
            {
                PermitLimit = tierOptions.PermitLimit,
                Window = window,
                SegmentsPerWindow = tierOptions.SegmentsPerWindow,
                QueueLimit = 0, // refuse at once: a queued request still holds a connection
                AutoReplenishment = true,
            };
            var limiter = PartitionedRateLimiter.Create<string, string>(
                key => RateLimitPartition.GetSlidingWindowLimiter(key, _ => limiterOptions));
            _tiers[tier] = (limiter, window / tierOptions.SegmentsPerWindow);
        }
    }

    public ValueTask<RateLimitVerdict> AcquireAsync(IReadOnlyList<RateLimitCheck> checks, CancellationToken cancellationToken)
    {
        List<(int, TimeSpan)>? refusals = null;
        for (var i = 0; i < checks.Count; i++)
        {
            var (limiter, segment) = _tiers[checks[i].Tier];
            using var lease = limiter.AttemptAcquire(checks[i].Key);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : segment;
                (refusals ??= []).Add((i, retryAfter));
            }
        }

        return ValueTask.FromResult(refusals is null ? RateLimitVerdict.Granted : new RateLimitVerdict(refusals));
    }

    public void Dispose()
    {
        foreach (var (limiter, _) in _tiers.Values)
        {
            limiter.Dispose();
        }
    }
}
