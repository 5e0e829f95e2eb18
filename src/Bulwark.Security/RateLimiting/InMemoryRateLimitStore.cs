using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Bulwark.Security.Bans;

namespace Bulwark.Security.RateLimiting;

/// <summary>
/// RL-1 (embedded mode, and the RL-2 fallback of the Redis store): the framework's <see cref="SlidingWindowRateLimiter"/>,
/// one per rule and partition, kept by <see cref="PartitionedRateLimiter.Create{TResource, TPartitionKey}"/> (which
/// replenishes them and drops idle ones). Atomic per counter (the limiter locks), per instance only. BAN-1: the ban
/// check reads this instance's <see cref="BanList"/>.
/// </summary>
/// <remarks>
/// Sliding window rather than token bucket: the configured contract is "N requests per minute", and a sliding
/// window enforces exactly that over any 60 s span (to a segment); it advertises cleanly as
/// <c>RateLimit-Policy: q=N;w=60</c>, and in Redis it is one small hash per partition. A token bucket would
/// allow a full bucket of burst followed by a steady refill, a different contract harder to state in headers.
/// A fixed window would allow 2N across a window boundary.
/// </remarks>
internal sealed class InMemoryRateLimitStore(BanList bans) : IRateLimitStore, IDisposable
{
    private readonly ConcurrentDictionary<RateLimitRule, Lazy<PartitionedRateLimiter<string>>> _limiters = new();

    public ValueTask<RateLimitVerdict> AcquireAsync(IReadOnlyList<RateLimitCheck> checks, string? banKey,
        CancellationToken cancellationToken)
    {
        if (banKey is not null && bans.IsBanned(banKey, out var remaining))
        {
            return ValueTask.FromResult(RateLimitVerdict.Ban(remaining));
        }

        List<(int, TimeSpan)>? refusals = null;
        for (var i = 0; i < checks.Count; i++)
        {
            var (rule, key, member, gate) = checks[i];
            using var lease = LimiterFor(rule).AttemptAcquire(member is null ? key : key + "|" + member);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : rule.Segment;
                (refusals ??= []).Add((i, retryAfter));
                if (gate)
                {
                    break;   // a closed gate: the checks after it are not charged
                }
            }
        }

        return ValueTask.FromResult(refusals is null ? RateLimitVerdict.Granted : new RateLimitVerdict(refusals));
    }

    private PartitionedRateLimiter<string> LimiterFor(RateLimitRule rule) =>
        _limiters.GetOrAdd(rule, static r => new Lazy<PartitionedRateLimiter<string>>(() =>
        {
            var options = new SlidingWindowRateLimiterOptions
            {
                PermitLimit = r.PermitLimit,
                Window = r.Window,
                SegmentsPerWindow = r.Segments,
                QueueLimit = 0, // refuse at once: a queued request still holds a connection
                AutoReplenishment = true,
            };
            return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ => options));
        })).Value;

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            if (limiter.IsValueCreated)
            {
                limiter.Value.Dispose();
            }
        }
    }
}
