using Bulwark.Security.State;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bulwark.Security.Bans;

/// <summary>
/// BAN-1 (scaled mode): a ban is a Redis key <c>bulwark:{ip:1.2.3.4}:ban</c> expiring with the ban (no expiry when
/// permanent), checked by the per-request rate-limit script of every instance. Redis may lose it (restart without
/// persistence): a sentinel key tells the refresher to write the database's active bans back.
/// </summary>
internal sealed class RedisBanPropagation(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider time, IOptions<RedisOptions> options)
    : IBanPropagation
{
    private readonly RedisKey _loaded = $"{options.Value.KeyPrefix}:bans:loaded";

    public Task BanAsync(string key, DateTimeOffset? until)
    {
        if (until is null)
        {
            return redis.GetDatabase().StringSetAsync(keys.Ban(key), "1"); // permanent: no expiry
        }

        var left = until.Value - time.GetUtcNow();
        return left <= TimeSpan.Zero ? Task.CompletedTask : redis.GetDatabase().StringSetAsync(keys.Ban(key), "1", left);
    }

    public Task LiftAsync(string key) => redis.GetDatabase().KeyDeleteAsync(keys.Ban(key));

    public async Task ReassertAsync(IReadOnlyList<BanRecord> active, DateTimeOffset now)
    {
        var db = redis.GetDatabase();
        if (await db.KeyExistsAsync(_loaded))
        {
            return;
        }

        foreach (var ban in active)
        {
            if (ban.IsActive(now))
            {
                await BanAsync(ban.Key, ban.ExpiresAt);
            }
        }

        await db.StringSetAsync(_loaded, "1");
    }
}
