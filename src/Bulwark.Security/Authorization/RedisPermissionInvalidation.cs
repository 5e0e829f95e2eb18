using Bulwark.Security.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2 (scaled mode): a role change drops the user's cached permissions on every instance within the pub/sub delivery
/// delay, not only here. After a Redis outage (messages may have been missed) every instance drops its whole cache;
/// the cache lifetime still bounds staleness if a message is lost some other way.
/// </summary>
internal sealed class RedisPermissionInvalidation : IPermissionInvalidation, IHostedService, IDisposable
{
    private readonly PermissionCache _cache;
    private readonly RedisBroadcast _broadcast;

    public RedisPermissionInvalidation(PermissionCache cache, IConnectionMultiplexer redis, RedisKeys keys,
        ILogger<RedisPermissionInvalidation> logger)
    {
        _cache = cache;
        _broadcast = new RedisBroadcast(redis, keys.Channel("permissions"), OnMessage, () =>
        {
            cache.InvalidateAll();
            return Task.CompletedTask;
        }, logger);
    }

    public async ValueTask InvalidateAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken)
    {
        _cache.Invalidate(tenantId, userId);
        await _broadcast.PublishAsync(tenantId.ToString("N") + ":" + userId.ToString("N"));
    }

    public Task StartAsync(CancellationToken cancellationToken) => _broadcast.StartAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _broadcast.Dispose();

    private void OnMessage(RedisValue message)
    {
        var text = (string?)message;
        if (text is { Length: 65 } && text[32] == ':'
            && Guid.TryParseExact(text.AsSpan(0, 32), "N", out var tenant)
            && Guid.TryParseExact(text.AsSpan(33), "N", out var user))
        {
            _cache.Invalidate(tenant, user);
        }
    }
}
