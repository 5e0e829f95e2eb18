using System.Globalization;
using Bulwark.Security.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-6 (scaled mode): revocations reach every instance within the pub/sub delivery delay (milliseconds) while
/// <see cref="IsRevoked"/> stays a local-memory lookup (no round trip per request). A revocation is added here, to a
/// shared sorted set in Redis (member = session id, score = remember-until in Unix ms) and published; every instance
/// adds published sessions to its own set. After a Redis outage each instance re-reads the sorted set, so nothing
/// revoked meanwhile is missed; the database stays the record an instance loads at start.
/// </summary>
internal sealed partial class RedisSessionRevocations : ISessionRevocations, IHostedService, IDisposable
{
    private const int MaxMessageSessions = 1_000;

    private readonly InMemorySessionRevocations _local;
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKey _shared;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisSessionRevocations> _logger;
    private readonly RedisBroadcast _broadcast;

    public RedisSessionRevocations(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider time, ILogger<RedisSessionRevocations> logger)
    {
        _local = new InMemorySessionRevocations(time);
        _redis = redis;
        _shared = keys.RevokedSessions;
        _time = time;
        _logger = logger;
        _broadcast = new RedisBroadcast(redis, keys.Channel("revocations"), OnMessage, ResyncAsync, logger);
    }

    public bool IsRevoked(string sessionId) => _local.IsRevoked(sessionId);

    public void Load(IEnumerable<RevokedSession> sessions) => _local.Load(sessions);

    public async Task RevokeAsync(IReadOnlyCollection<RevokedSession> sessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Count == 0)
        {
            return;
        }

        _local.Load(sessions);
        try
        {
            // The shared record first: an instance that resyncs after missing the message still finds it.
            var entries = sessions.Select(s => new SortedSetEntry(s.SessionId, s.RememberUntil.ToUnixTimeMilliseconds())).ToArray();
            await _redis.GetDatabase().SortedSetAddAsync(_shared, entries);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The message below waits for the reconnect; instances that restart meanwhile load it from the database.
            LogSharedWriteFailed(_logger, ex.GetType().Name);
        }

        foreach (var chunk in sessions.Chunk(MaxMessageSessions))
        {
            await _broadcast.PublishAsync(Encode(chunk));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => _broadcast.StartAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _broadcast.Dispose();

    /// <summary>"sid ms\nsid ms…" — session ids are opaque tokens without whitespace.</summary>
    private static string Encode(IEnumerable<RevokedSession> sessions) => string.Join('\n',
        sessions.Select(s => s.SessionId + " " + s.RememberUntil.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));

    private void OnMessage(RedisValue message)
    {
        var text = (string?)message;
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var sessions = new List<RevokedSession>();
        foreach (var line in text.Split('\n', MaxMessageSessions + 1, StringSplitOptions.RemoveEmptyEntries).Take(MaxMessageSessions))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && parts[0].Length is > 0 and <= 128
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                sessions.Add(new RevokedSession(parts[0], DateTimeOffset.FromUnixTimeMilliseconds(ms)));
            }
        }

        _local.Load(sessions);
    }

    /// <summary>After a reconnect: what was revoked while this instance was cut off, and pruning of what expired.</summary>
    private async Task ResyncAsync()
    {
        var db = _redis.GetDatabase();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SortedSetRemoveRangeByScoreAsync(_shared, double.NegativeInfinity, now, Exclude.Stop);
        var live = await db.SortedSetRangeByScoreWithScoresAsync(_shared, now, double.PositiveInfinity);
        _local.Load(live.Select(e => new RevokedSession(e.Element!, DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score))));
        LogResynced(_logger, live.Length);
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "Redis unreachable ({Error}): revocation not added to the shared set")]
    private static partial void LogSharedWriteFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "Revoked sessions re-read from Redis after a reconnect ({Count} live)")]
    private static partial void LogResynced(ILogger logger, int count);
}
