using System.Globalization;
using Bulwark.Security.Authentication;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bulwark.Security.State;

/// <summary>
/// AUTH-6 in the scaled mode: the revoked-session set of every instance, kept in step through Redis.
/// The hot path (<see cref="IsRevoked"/>) still reads only this instance's memory. A revocation is added to
/// the shared sorted set (score = the time until which it must be remembered) and published on a channel;
/// every instance's subscriber adds it to its own set within the pub/sub delivery delay (milliseconds), well
/// inside the 1 s budget. Pub/sub is fire-and-forget, so when the connection comes back after an outage each
/// instance reloads the shared set: a revocation published while it was cut off is not lost.
/// </summary>
internal sealed partial class RedisSessionRevocations : ISessionRevocations, IDisposable
{
    private readonly InMemorySessionRevocations _local;
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisSessionRevocations> _logger;
    private readonly RedisChannel _channel;
    private readonly Lock _subscribeLock = new();
    private bool _subscribed;

    public RedisSessionRevocations(RedisPubSub redis, RedisKeys keys, TimeProvider time, ILogger<RedisSessionRevocations> logger)
    {
        _local = new InMemorySessionRevocations(time);
        _redis = redis.Connection;
        _keys = keys;
        _time = time;
        _logger = logger;
        _channel = keys.Channel("revocations");
        TrySubscribe();
        _redis.ConnectionRestored += OnConnectionRestored;
        _ = ResyncAsync();
    }

    public bool IsRevoked(string sessionId) => _local.IsRevoked(sessionId);

    public void Load(IEnumerable<RevokedSession> sessions) => _local.Load(sessions);

    public async Task RevokeAsync(IReadOnlyCollection<RevokedSession> sessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        // This instance first: its own requests see the revocation at once, whatever happens to Redis.
        _local.Load(sessions);
        try
        {
            var db = _redis.GetDatabase();
            var set = _keys.Revocations();
            var batch = db.CreateBatch();
            var writes = new List<Task>(sessions.Count * 2 + 1);
            foreach (var session in sessions)
            {
                writes.Add(batch.SortedSetAddAsync(set, session.SessionId, session.RememberUntil.ToUnixTimeMilliseconds()));
                writes.Add(batch.PublishAsync(_channel, Encode(session)));
            }

            writes.Add(batch.SortedSetRemoveRangeByScoreAsync(set, double.NegativeInfinity, _time.GetUtcNow().ToUnixTimeMilliseconds()));
            batch.Execute();
            await Task.WhenAll(writes).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // AUTH-6: Redis down → the revocation holds on this instance and in the database (the caller persisted
            // it); the other instances pick it up from the database at their next start. Logged as an error so the
            // gap is visible; the request that revoked still succeeds.
            LogPublishFailed(_logger, exception);
        }
    }

    public void Dispose() => _redis.ConnectionRestored -= OnConnectionRestored;

    private static RedisValue Encode(RevokedSession session) =>
        session.SessionId + "|" + session.RememberUntil.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// StackExchange.Redis re-establishes an established subscription after a reconnect by itself; one that could not
    /// be made (Redis unreachable at start) is retried when the connection is restored.
    /// </summary>
    private void TrySubscribe()
    {
        lock (_subscribeLock)
        {
            if (_subscribed)
            {
                return;
            }

            try
            {
                _redis.GetSubscriber().Subscribe(_channel, (_, message) => OnMessage(message));
                _subscribed = true;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogSubscribeFailed(_logger, exception);
            }
        }
    }

    private void OnMessage(RedisValue message)
    {
        var text = (string?)message;
        var bar = text?.LastIndexOf('|') ?? -1;
        if (bar <= 0 || !long.TryParse(text.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var until))
        {
            return;   // not ours; never let a malformed message disturb the set
        }

        _local.Load([new RevokedSession(text![..bar], DateTimeOffset.FromUnixTimeMilliseconds(until))]);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        TrySubscribe();
        _ = ResyncAsync();
    }

    private async Task ResyncAsync()
    {
        try
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var entries = await _redis.GetDatabase().SortedSetRangeByScoreWithScoresAsync(_keys.Revocations(), now);
            _local.Load(entries.Select(e => new RevokedSession(e.Element!, DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score))));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogResyncFailed(_logger, exception);   // retried at the next ConnectionRestored
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Error, Message = "AUTH-6: could not publish a session revocation to Redis; it holds on this instance and in the database")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "AUTH-6: could not reload the shared revocation set from Redis")]
    private static partial void LogResyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "AUTH-6: could not subscribe to the Redis revocations channel yet; retried when the connection is restored")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
