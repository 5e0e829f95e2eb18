using Bulwark.Security.Authorization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bulwark.Security.State;

/// <summary>
/// AZ-2 in the scaled mode: a role change clears the user's cached permissions on every instance. This instance's
/// cache is cleared at once; the change is published on a Redis channel and every subscriber clears its own entry
/// (milliseconds, inside the 1 s budget). When the connection comes back after an outage, messages sent meanwhile
/// may be lost, so each instance then drops its whole cache (the next requests resolve from the database).
/// </summary>
internal sealed partial class RedisPermissionInvalidation : IPermissionInvalidation, IDisposable
{
    private readonly PermissionCache _cache;
    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<RedisPermissionInvalidation> _logger;
    private readonly RedisChannel _channel;
    private readonly Lock _subscribeLock = new();
    private bool _subscribed;

    public RedisPermissionInvalidation(PermissionCache cache, RedisPubSub redis, RedisKeys keys,
        ILogger<RedisPermissionInvalidation> logger)
    {
        _cache = cache;
        _redis = redis.Connection;
        _logger = logger;
        _channel = keys.Channel("permissions");
        TrySubscribe();
        _redis.ConnectionRestored += OnConnectionRestored;
    }

    public async ValueTask InvalidateAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken)
    {
        _cache.Invalidate(tenantId, userId);
        try
        {
            await _redis.GetSubscriber().PublishAsync(_channel, $"{tenantId:N}|{userId:N}").WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // AZ-2: Redis down → the other instances keep the old permissions until their cache entry expires
            // (PermissionCacheSeconds) or the connection returns (whole cache dropped). Logged as an error.
            LogPublishFailed(_logger, exception);
        }
    }

    public void Dispose() => _redis.ConnectionRestored -= OnConnectionRestored;

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
        var text = ((string?)message).AsSpan();
        var bar = text.IndexOf('|');
        if (bar > 0 && Guid.TryParseExact(text[..bar], "N", out var tenant) && Guid.TryParseExact(text[(bar + 1)..], "N", out var user))
        {
            _cache.Invalidate(tenant, user);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        TrySubscribe();
        _cache.InvalidateAll();
    }

    [LoggerMessage(EventId = 1402, Level = LogLevel.Error, Message = "AZ-2: could not publish a permission invalidation to Redis")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "AZ-2: could not subscribe to the Redis permissions channel yet; retried when the connection is restored")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
