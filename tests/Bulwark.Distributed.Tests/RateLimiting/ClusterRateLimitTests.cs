namespace Bulwark.Distributed.Tests.RateLimiting;

/// <summary>
/// RL-2 on two real instances sharing PostgreSQL and Redis: the limits hold for the cluster as a whole, one Redis
/// round trip per request, and a Redis outage degrades to per-instance limits (never 5xx, never unlimited) and
/// recovers by itself. Each test sends from its own 127.x.y.z source addresses.
/// </summary>
public sealed class ClusterRateLimitTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact, Trait("Control", "RL-2"), Trait("Category", "Distributed")]
    public async Task Global_AlternatingBetweenTwoInstances_AllowsOneHundredInTotal()
    {
        for (var i = 0; i < 100; i++)
        {
            var response = await ClusterFixture.GetAsync(cluster.Instances[i % 2], "127.0.20.1", "/health/live");
            Assert.True(response.Status == 200, $"request {i + 1} got {response.Status}");
        }

        var refusedOnA = await ClusterFixture.GetAsync(cluster.A, "127.0.20.1", "/health/live");
        var refusedOnB = await ClusterFixture.GetAsync(cluster.B, "127.0.20.1", "/health/live");

        Assert.Equal(429, refusedOnA.Status);
        Assert.Equal(429, refusedOnB.Status);
        Assert.Equal("\"global\";q=100;w=60", refusedOnB.Header("RateLimit-Policy"));
        Assert.InRange(int.Parse(refusedOnA.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal(200, (await ClusterFixture.GetAsync(cluster.B, "127.0.20.2", "/health/live")).Status);
    }

    [Fact, Trait("Control", "RL-2"), Trait("Category", "Distributed")]
    public async Task EveryRequest_CostsExactlyOneRedisRoundTrip_ForAllTiersAndTheBanCheck()
    {
        // Warm-up: after a Redis restart (another test) each instance's first call is EVALSHA → NOSCRIPT → EVAL.
        foreach (var instance in cluster.Instances)
        {
            Assert.Equal(200, (await ClusterFixture.GetAsync(instance, "127.0.21.9", "/health/live")).Status);
        }

        await cluster.Redis.CliAsync("CONFIG", "RESETSTAT");

        const int requests = 12;
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(200, (await ClusterFixture.GetAsync(cluster.Instances[i % 2], "127.0.21.1", "/health/live")).Status);
        }

        var calls = await cluster.Redis.CommandCallsAsync();
        // Commands run inside a script are counted too (hgetall, hincrby, …); only EVAL/EVALSHA are round trips
        // of a request. Nothing else may touch counters from outside a script.
        Assert.Equal(requests, calls.GetValueOrDefault("evalsha") + calls.GetValueOrDefault("eval"));

        // A login charges three tiers (global, auth, login) and checks the ban in one script call; being a failure, it
        // also counts towards BAN-1's auth-failure detector (one more call, on failed requests only).
        await cluster.Redis.CliAsync("CONFIG", "RESETSTAT");
        Assert.Equal(401, (await ClusterFixture.FailedLoginAsync(cluster.A, "127.0.21.2")).Status);
        calls = await cluster.Redis.CommandCallsAsync();
        Assert.InRange(calls.GetValueOrDefault("evalsha") + calls.GetValueOrDefault("eval"), 1, 2);
        Assert.Equal(0, calls.GetValueOrDefault("get") + calls.GetValueOrDefault("incr") + calls.GetValueOrDefault("multi"));
    }

    [Fact, Trait("Control", "RL-2"), Trait("Category", "Distributed")]
    public async Task RedisStopped_PerInstanceLimitsApply_NoServerError_AndSharedLimitsResumeWhenItReturns()
    {
        await cluster.Redis.StopAsync();
        try
        {
            // RL-2: cluster limit 100 ÷ 2 expected instances = 50 per instance while Redis is down.
            for (var i = 0; i < 50; i++)
            {
                var response = await ClusterFixture.GetAsync(cluster.A, "127.0.22.1", "/health/live");
                Assert.True(response.Status == 200, $"request {i + 1} during the outage got {response.Status}: {response.Body}");
            }

            var refused = await ClusterFixture.GetAsync(cluster.A, "127.0.22.1", "/health/live");
            Assert.Equal(429, refused.Status);
            // The other instance counts on its own: also 50, not unlimited.
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal(200, (await ClusterFixture.GetAsync(cluster.B, "127.0.22.1", "/health/live")).Status);
            }

            Assert.Equal(429, (await ClusterFixture.GetAsync(cluster.B, "127.0.22.1", "/health/live")).Status);
            Assert.NotNull(await cluster.A.WaitForLineAsync(
                l => l.Contains("\"EventType\":\"ratelimit.store.degraded\"", StringComparison.Ordinal) && l.Contains("\"@l\":\"Warning\"", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await cluster.Redis.StartAgainAsync();
        }

        // Recovery without a restart: keep asking until both instances use Redis again (bounded).
        foreach (var instance in cluster.Instances)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            var probe = 0;
            while (DateTime.UtcNow < deadline && !instance.OutputLines.Any(l => l.Contains("\"EventType\":\"ratelimit.store.recovered\"", StringComparison.Ordinal)))
            {
                var response = await ClusterFixture.GetAsync(instance, $"127.0.23.{++probe % 250 + 1}", "/health/live");
                Assert.True(response.Status < 500, $"probe got {response.Status}");
                await Task.Delay(200);
            }

            Assert.Contains(instance.OutputLines, l => l.Contains("\"EventType\":\"ratelimit.store.recovered\"", StringComparison.Ordinal));
        }

        for (var i = 0; i < 100; i++)
        {
            var response = await ClusterFixture.GetAsync(cluster.Instances[i % 2], "127.0.22.2", "/health/live");
            Assert.True(response.Status == 200, $"request {i + 1} after recovery got {response.Status}");
        }

        Assert.Equal(429, (await ClusterFixture.GetAsync(cluster.A, "127.0.22.2", "/health/live")).Status);
    }

    [Fact, Trait("Control", "BAN-1"), Trait("Category", "Distributed")]
    public async Task Ban_IssuedOnOneInstance_RefusesTheClientOnTheOtherAtOnce()
    {
        Assert.Equal(403, (await ClusterFixture.GetAsync(cluster.A, "127.0.24.1", "/health/live", "sqlmap/1.8")).Status);

        // No refresh delay: instance B's per-request script sees the Redis ban key.
        var onB = await ClusterFixture.GetAsync(cluster.B, "127.0.24.1", "/health/live");
        Assert.Equal(403, onB.Status);
        Assert.StartsWith("application/problem+json", onB.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(200, (await ClusterFixture.GetAsync(cluster.B, "127.0.24.2", "/health/live")).Status);
        Assert.Equal("1", (await cluster.Redis.CliAsync("EXISTS", "bulwark:{ip:127.0.24.1}:ban")).Trim());
    }
}
