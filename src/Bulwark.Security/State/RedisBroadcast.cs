using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bulwark.Security.State;

/// <summary>
/// AUTH-6/AZ-2 (scaled mode): one Redis pub/sub channel that tells every instance about a change it must apply to its
/// own in-memory state (a revoked session, a user whose permissions changed). Publishing never throws: while Redis is
/// unreachable the message waits here and goes out when the connection is restored. Messages sent by others while this
/// instance was cut off are lost by pub/sub, so after every reconnect <c>onReconnected</c> lets the owner catch up
/// (re-read a shared record, or drop its cache). Subscriptions are re-established by the multiplexer itself.
/// Public for the data layer's per-instance caches (issue 7: list counts).
/// </summary>
public sealed partial class RedisBroadcast : IDisposable
{
    private const int MaxPending = 10_000;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly Action<RedisValue> _onMessage;
    private readonly Func<Task> _onReconnected;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<RedisValue> _pending = new();
    private int _subscribed;

    public RedisBroadcast(IConnectionMultiplexer redis, RedisChannel channel, Action<RedisValue> onMessage, Func<Task> onReconnected,
        ILogger logger)
    {
        _redis = redis;
        _channel = channel;
        _onMessage = onMessage;
        _onReconnected = onReconnected;
        _logger = logger;
        _redis.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Subscribes (if Redis is reachable now; otherwise on the first reconnect).</summary>
    public Task StartAsync() => SubscribeAsync();

    /// <summary>Sends <paramref name="message"/> to every instance (this one included), now or once Redis is back.</summary>
    public async Task PublishAsync(RedisValue message)
    {
        try
        {
            await _redis.GetSubscriber().PublishAsync(_channel, message);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (_pending.Count < MaxPending)
            {
                _pending.Enqueue(message);
            }

            LogPublishDeferred(_logger, _channel.ToString(), ex.GetType().Name);
        }
    }

    private async Task SubscribeAsync()
    {
        if (Volatile.Read(ref _subscribed) == 1)
        {
            return;
        }

        try
        {
            await _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => _onMessage(message));
            Interlocked.Exchange(ref _subscribed, 1);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogSubscribeDeferred(_logger, _channel.ToString(), ex.GetType().Name);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _ = CatchUpAsync();

    private async Task CatchUpAsync()
    {
        try
        {
            await SubscribeAsync();
            while (_pending.TryPeek(out var message))
            {
                await _redis.GetSubscriber().PublishAsync(_channel, message);
                _pending.TryDequeue(out _);
            }

            await _onReconnected();
        }
#pragma warning disable CA1031 // runs from a connection event: nothing may escape; the next reconnect tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCatchUpFailed(_logger, ex, _channel.ToString());
        }
    }

    public void Dispose() => _redis.ConnectionRestored -= OnConnectionRestored;

    [LoggerMessage(EventId = 2120, Level = LogLevel.Warning, Message = "Redis unreachable ({Error}): message on {Channel} kept until it is back")]
    private static partial void LogPublishDeferred(ILogger logger, string channel, string error);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "Redis unreachable ({Error}): subscription to {Channel} made when it is back")]
    private static partial void LogSubscribeDeferred(ILogger logger, string channel, string error);

    [LoggerMessage(EventId = 2122, Level = LogLevel.Error, Message = "Catching up on {Channel} after a Redis reconnect failed; the next reconnect retries")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, string channel);
}
