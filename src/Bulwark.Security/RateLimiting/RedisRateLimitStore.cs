using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Bulwark.Security.Audit;
using Bulwark.Security.Bans;
using Bulwark.Security.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bulwark.Security.RateLimiting;

/// <summary>
/// RL-2 (scaled mode): limits held for the cluster as a whole in Redis, one <see cref="RedisRateLimitScript"/> per
/// request for every tier and the ban check. If Redis is unreachable (disconnected, timeout, error), the request is
/// answered from a per-instance in-memory store whose limits are the cluster limits divided by
/// <see cref="RateLimitingOptions.ExpectedInstances"/>, and this instance's ban list: never a 5xx, never unlimited.
/// Entering and leaving that degraded state each emit a security event and a log line; a gauge and a counter show it.
/// Recovery is automatic: the multiplexer reconnects in the background and the next request after that uses Redis again.
/// </summary>
internal sealed partial class RedisRateLimitStore : IRateLimitStore, IDisposable
{
    public const string MeterName = "Bulwark.Security.RateLimiting";
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly InMemoryRateLimitStore _fallback;
    private readonly BanList _bans;
    private readonly int _instances;
    private readonly ISecurityEvents _events;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisRateLimitStore> _logger;
    private readonly ConcurrentDictionary<RateLimitRule, RateLimitRule> _perInstance = new();
    private readonly Counter<long> _fallbackRequests;
    private int _degraded;
    private long _nextProbe;

    public RedisRateLimitStore(IConnectionMultiplexer redis, RedisKeys keys, BanList bans, IOptions<RateLimitingOptions> options,
        ISecurityEvents events, TimeProvider time, IMeterFactory meters, ILogger<RedisRateLimitStore> logger)
    {
        _redis = redis;
        _keys = keys;
        _fallback = new InMemoryRateLimitStore(bans);
        _bans = bans;
        _instances = options.Value.ExpectedInstances;
        _events = events;
        _time = time;
        _logger = logger;
        var meter = meters.Create(MeterName);
        _fallbackRequests = meter.CreateCounter<long>("bulwark.ratelimit.fallback_requests", "{request}",
            "Requests limited by the per-instance fallback because Redis was unreachable (RL-2).");
        meter.CreateObservableGauge("bulwark.ratelimit.store_degraded", () => Volatile.Read(ref _degraded), "{state}",
            "1 while the shared rate-limit store (Redis) is unreachable and per-instance limits apply (RL-2).");
    }

    /// <summary>True while requests are limited per instance because Redis is unreachable.</summary>
    public bool IsDegraded => Volatile.Read(ref _degraded) == 1;

    public async ValueTask<RateLimitVerdict> AcquireAsync(IReadOnlyList<RateLimitCheck> checks, string? banKey,
        CancellationToken cancellationToken)
    {
        if (banKey is not null && _bans.IsBanned(banKey, out var remaining))
        {
            // BAN-1: this instance already knows the ban (its own, or from the database refresh): no round trip, and
            // the ban holds even while a restarted Redis has not got its keys back yet.
            return RateLimitVerdict.Ban(remaining);
        }

        if (!_redis.IsConnected || (IsDegraded && _time.GetTimestamp() < Volatile.Read(ref _nextProbe)))
        {
            // RL-2: Redis down → per-instance limits (cluster limit ÷ expected instances) + alert, at once (no wait).
            Degrade(null);
            return await FallbackAsync(checks, banKey, cancellationToken);
        }

        try
        {
            var verdict = await EvaluateAsync(checks, banKey);
            Recover();
            return verdict;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // RL-2: a failed call (timeout, error) holds further attempts off for a probe interval, so requests do not
            // each wait out the timeout; only a real failure moves the next probe (a request answered from the
            // fallback must not, or steady traffic would postpone recovery for ever).
            Volatile.Write(ref _nextProbe, _time.GetTimestamp() + (long)(ProbeInterval.TotalSeconds * _time.TimestampFrequency));
            Degrade(ex);
            return await FallbackAsync(checks, banKey, cancellationToken);
        }
    }

    private async Task<RateLimitVerdict> EvaluateAsync(IReadOnlyList<RateLimitCheck> checks, string? banKey)
    {
        var keys = new RedisKey[checks.Count + (banKey is null ? 0 : 1)];
        var args = new RedisValue[2 + (4 * checks.Count)];
        args[0] = checks.Count;
        args[1] = banKey is null ? "0" : "1";
        for (var i = 0; i < checks.Count; i++)
        {
            var (rule, key, member, gate) = checks[i];
            keys[i] = _keys.RateLimit(key, member is null ? rule.Name : rule.Name + ":" + member);
            args[2 + (4 * i)] = rule.PermitLimit;
            args[3 + (4 * i)] = (long)rule.Window.TotalMilliseconds;
            args[4 + (4 * i)] = rule.Segments;
            args[5 + (4 * i)] = gate ? "1" : "0";
        }

        if (banKey is not null)
        {
            keys[^1] = _keys.Ban(banKey);
        }

        // One round trip: EVALSHA (the library loads the script once and retries on NOSCRIPT).
        var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(RedisRateLimitScript.Source, keys, args))!;
        if ((long)result[0] == 1)
        {
            var ttl = (long)result[1];
            return RateLimitVerdict.Ban(ttl < 0 ? null : TimeSpan.FromMilliseconds(ttl));
        }

        List<(int, TimeSpan)>? refusals = null;
        for (var i = 0; i < checks.Count && i + 2 < result.Length; i++)   // a closed gate ends the result early
        {
            var retry = (long)result[i + 2];
            if (retry > 0)
            {
                (refusals ??= []).Add((i, TimeSpan.FromMilliseconds(retry)));
            }
        }

        return refusals is null ? RateLimitVerdict.Granted : new RateLimitVerdict(refusals);
    }

    private ValueTask<RateLimitVerdict> FallbackAsync(IReadOnlyList<RateLimitCheck> checks, string? banKey, CancellationToken cancellationToken)
    {
        _fallbackRequests.Add(1);
        var local = new RateLimitCheck[checks.Count];
        for (var i = 0; i < checks.Count; i++)
        {
            local[i] = checks[i] with { Rule = _perInstance.GetOrAdd(checks[i].Rule, r => r.PerInstance(_instances)) };
        }

        return _fallback.AcquireAsync(local, banKey, cancellationToken);
    }

    private void Degrade(Exception? error)
    {
        if (Interlocked.Exchange(ref _degraded, 1) == 1)
        {
            return;
        }

        LogDegraded(_logger, _instances, error?.GetType().Name ?? "disconnected");
        _events.Emit(new SecurityEvent
        {
            Type = SecurityEventTypes.RateLimitStoreDegraded,
            Outcome = SecurityOutcome.Failure,
            Time = _time.GetUtcNow(),
            Reason = string.Create(CultureInfo.InvariantCulture, $"redis-unreachable;per-instance-divisor={_instances}"),
        });
    }

    private void Recover()
    {
        if (Interlocked.Exchange(ref _degraded, 0) == 0)
        {
            return;
        }

        LogRecovered(_logger);
        _events.Emit(new SecurityEvent
        {
            Type = SecurityEventTypes.RateLimitStoreRecovered,
            Outcome = SecurityOutcome.Success,
            Time = _time.GetUtcNow(),
            Reason = "redis-reachable",
        });
    }

    public void Dispose() => _fallback.Dispose();

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning,
        Message = "Redis unreachable ({Error}): rate limits and bans fall back to this instance (limits divided by {Instances})")]
    private static partial void LogDegraded(ILogger logger, int instances, string error);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "Redis reachable again: shared rate limits and bans resume")]
    private static partial void LogRecovered(ILogger logger);
}
