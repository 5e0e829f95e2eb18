using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bulwark.Security.State;

/// <summary>
/// AUTH-6 / AZ-2: a connection of its own for revocation and permission messages (pub/sub and the shared revoked set),
/// so that subscriptions and their reconnect handling never share a multiplexer with the per-request rate-limit
/// script (RL-2 measures and recovers that connection on its own).
/// </summary>
internal sealed class RedisPubSub(IOptions<RedisOptions> options) : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _connection = new(() => RedisServiceCollectionExtensions.Connect(options.Value));

    public IConnectionMultiplexer Connection => _connection.Value;

    public void Dispose()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Dispose();
        }
    }
}
