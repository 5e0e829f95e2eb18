using Bulwark.Security.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bulwark.Erp.Data;

/// <summary>
/// Issue 7 (scaled mode): a commit on one instance makes every instance recount the lists of the record set it changed,
/// within the pub/sub delivery delay (<c>bulwark:list-counts</c>, message <c>{set}:{tenant}</c>). After a Redis outage
/// every instance recounts everything; <see cref="DatabaseOptions.ListCountCacheSeconds"/> bounds a message lost any
/// other way.
/// </summary>
internal sealed class RedisListCountBroadcast : IListCountBroadcast, IHostedService, IDisposable
{
    private readonly ListCountCache _cache;
    private readonly RedisBroadcast _broadcast;

    public RedisListCountBroadcast(ListCountCache cache, IConnectionMultiplexer redis, IOptions<RedisOptions> options,
        ILogger<RedisListCountBroadcast> logger)
    {
        _cache = cache;
        _broadcast = new RedisBroadcast(redis, RedisChannel.Literal(options.Value.KeyPrefix + ":list-counts"), OnMessage, () =>
        {
            cache.InvalidateAll();
            return Task.CompletedTask;
        }, logger);
    }

    public void Publish(string set, Guid tenant) => _ = _broadcast.PublishAsync(set + ":" + tenant.ToString("N"));

    public Task StartAsync(CancellationToken cancellationToken) => _broadcast.StartAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _broadcast.Dispose();

    private void OnMessage(RedisValue message)
    {
        var text = (string?)message;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (colon > 0 && Guid.TryParseExact(text.AsSpan(colon + 1), "N", out var tenant))
        {
            _cache.Invalidate(text![..colon], tenant);
        }
    }
}
