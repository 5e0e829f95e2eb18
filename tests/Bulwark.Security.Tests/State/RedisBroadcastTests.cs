using Bulwark.Security.Authentication;
using Bulwark.Security.Authorization;
using Bulwark.Security.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bulwark.Security.Tests.State;

/// <summary>
/// AUTH-6/AZ-2 against the throwaway Redis of ./test.sh (BULWARK_TEST_REDIS), each test under its own key prefix: what
/// one instance publishes is applied by another; malformed messages on the channels change nothing; a revocation is also
/// kept in the shared sorted set that instances re-read after a reconnect.
/// </summary>
public sealed class RedisBroadcastTests : IAsyncLifetime
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(2);
    private readonly RedisKeys _keys = new(Options.Create(new RedisOptions { KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..12] }));
    private ConnectionMultiplexer _a = null!;
    private ConnectionMultiplexer _b = null!;

    public async Task InitializeAsync()
    {
        var configuration = Environment.GetEnvironmentVariable("BULWARK_TEST_REDIS")
            ?? throw new InvalidOperationException("BULWARK_TEST_REDIS is not set: run the suite through ./test.sh");
        _a = await ConnectionMultiplexer.ConnectAsync(configuration);
        _b = await ConnectionMultiplexer.ConnectAsync(configuration);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact, Trait("Control", "AUTH-6")]
    public async Task Revocation_PublishedByOneInstance_IsAppliedByTheOther_AndMalformedMessagesAreIgnored()
    {
        using var onA = new RedisSessionRevocations(_a, _keys, TimeProvider.System, NullLogger<RedisSessionRevocations>.Instance);
        using var onB = new RedisSessionRevocations(_b, _keys, TimeProvider.System, NullLogger<RedisSessionRevocations>.Instance);
        await onA.StartAsync(CancellationToken.None);
        await onB.StartAsync(CancellationToken.None);

        var channel = _keys.Channel("revocations");
        string[] hostile = ["", "x", "bad notanumber", "neg -5", "huge 99999999999999999999", new string('a', 200) + " 1", "two  spaces 1", "a 1 2"];
        foreach (var message in hostile)
        {
            await _a.GetSubscriber().PublishAsync(channel, message);
        }

        var until = DateTimeOffset.UtcNow.AddHours(1);
        await onA.RevokeAsync([new RevokedSession("sid-1", until), new RevokedSession("sid-2", until)], CancellationToken.None);
        Assert.True(onA.IsRevoked("sid-1")); // locally at once

        await WaitUntilAsync(() => onB.IsRevoked("sid-1") && onB.IsRevoked("sid-2"));
        Assert.False(onB.IsRevoked("sid-3"));
        foreach (var id in new[] { "x", "bad", "neg", "huge", new string('a', 200), "two", "a" })
        {
            Assert.False(onB.IsRevoked(id), $"'{id}' from a malformed message was taken as revoked");
        }

        // The shared record an instance re-reads after a reconnect holds both sessions, with their deadline.
        var score = await _a.GetDatabase().SortedSetScoreAsync(_keys.RevokedSessions, "sid-2");
        Assert.Equal(until.ToUnixTimeMilliseconds(), (long)score!.Value);
    }

    [Fact, Trait("Control", "AZ-2")]
    public async Task PermissionInvalidation_OnOneInstance_DropsTheOtherInstancesCacheEntry_AndIgnoresMalformedMessages()
    {
        var options = Options.Create(new BulwarkAuthorizationOptions { PermissionCacheSeconds = 300 });
        var cacheA = new PermissionCache(options, TimeProvider.System);
        var cacheB = new PermissionCache(options, TimeProvider.System);
        using var onA = new RedisPermissionInvalidation(cacheA, _a, _keys, NullLogger<RedisPermissionInvalidation>.Instance);
        using var onB = new RedisPermissionInvalidation(cacheB, _b, _keys, NullLogger<RedisPermissionInvalidation>.Instance);
        await onA.StartAsync(CancellationToken.None);
        await onB.StartAsync(CancellationToken.None);

        var (tenant, changed, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        cacheB.Set(tenant, changed, cacheB.Generation(tenant, changed), CallerPermissions.None);
        cacheB.Set(tenant, other, cacheB.Generation(tenant, other), CallerPermissions.None);

        var channel = _keys.Channel("permissions");
        foreach (var message in new[] { "", "garbage", tenant.ToString("N") + ":", tenant.ToString("N") + ":" + other.ToString("D") })
        {
            await _a.GetSubscriber().PublishAsync(channel, message);
        }

        await onA.InvalidateAsync(tenant, changed, CancellationToken.None);
        await WaitUntilAsync(() => !cacheB.TryGet(tenant, changed, out _));
        Assert.True(cacheB.TryGet(tenant, other, out _), "a malformed message (or the valid one) dropped another user's entry");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Delivery;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), $"not delivered within {Delivery.TotalSeconds} s");
    }
}
