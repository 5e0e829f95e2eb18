using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bulwark.Security.State;

/// <summary>
/// Names of Bulwark's Redis keys. The partition (a client IP key, a user key) is the hash tag, so every key one
/// script touches for one request lands on the same cluster slot (STYLE.md §8): <c>bulwark:{ip:1.2.3.4}:rl:global</c>,
/// <c>bulwark:{ip:1.2.3.4}:ban</c>.
/// </summary>
internal sealed class RedisKeys(IOptions<RedisOptions> options)
{
    private readonly string _prefix = options.Value.KeyPrefix;

    public RedisKey RateLimit(string partition, string rule) => $"{_prefix}:{{{partition}}}:rl:{rule}";

    public RedisKey Ban(string partition) => $"{_prefix}:{{{partition}}}:ban";

    /// <summary>AUTH-6: revoked sessions of the cluster (sorted set, score = remember-until in Unix ms).</summary>
    public RedisKey RevokedSessions => $"{_prefix}:{{revocations}}:sessions";

    /// <summary>A pub/sub channel of this deployment (<c>bulwark:revocations</c>, <c>bulwark:permissions</c>).</summary>
    public RedisChannel Channel(string name) => RedisChannel.Literal($"{_prefix}:{name}");
}
