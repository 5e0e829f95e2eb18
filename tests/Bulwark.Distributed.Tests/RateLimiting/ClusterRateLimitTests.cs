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

    [Fact, Trait("Control", "RL-1"), Trait("Control", "BAN-1"), Trait("Category", "Distributed")]
    public async Task AuthenticatedRequest_CostsOneRoundTrip_AndItsIpTierAndBanStillHold()
    {
        var token = await Authentication.ClusterRevocationTests.LoginAsync(cluster.A, "127.0.27.1", "auditor");
        Assert.Equal(200, (await Authentication.ClusterRevocationTests.SendAsync(cluster.B, "127.0.27.2", "GET", "/api/v1/accounts", token)).Status);

        // DESIGN.md's budget: IP tiers, ban check and the per-user tier of an authenticated request in one script call.
        await cluster.Redis.CliAsync("CONFIG", "RESETSTAT");
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(200, (await Authentication.ClusterRevocationTests.SendAsync(cluster.Instances[i % 2], "127.0.27.2", "GET", "/api/v1/accounts", token)).Status);
        }

        var calls = await cluster.Redis.CommandCallsAsync();
        Assert.Equal(8, calls.GetValueOrDefault("evalsha") + calls.GetValueOrDefault("eval"));

        // The IP tier still counts those requests: 100 per minute per address across the cluster, then 429 (global).
        for (var i = 0; i < 100 - 9; i++)
        {
            var response = await Authentication.ClusterRevocationTests.SendAsync(cluster.Instances[i % 2], "127.0.27.2", "GET", "/api/v1/accounts", token);
            Assert.True(response.Status == 200, $"request {i + 10} got {response.Status}");
        }

        var refused = await Authentication.ClusterRevocationTests.SendAsync(cluster.B, "127.0.27.2", "GET", "/api/v1/accounts", token);
        Assert.Equal(429, refused.Status);
        Assert.Equal("\"global\";q=100;w=60", refused.Header("RateLimit-Policy"));

        // A banned address presenting a valid token is refused too (after the token check, in the same call).
        Assert.Equal(403, (await ClusterFixture.GetAsync(cluster.A, "127.0.27.3", "/health/live", "sqlmap/1.8")).Status);
        var banned = await Authentication.ClusterRevocationTests.SendAsync(cluster.B, "127.0.27.3", "GET", "/api/v1/accounts", token);
        Assert.Equal(403, banned.Status);
        Assert.StartsWith("application/problem+json", banned.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "RL-2"), Trait("Control", "AUTH-7"), Trait("Category", "Distributed")]
    public async Task CookieAuthenticatedRequest_CostsOneRoundTrip_LikeABearerToken()
    {
        var login = await Authentication.ClusterRevocationTests.SendAsync(cluster.A, "127.0.27.5", "POST", "/api/v1/auth/login", null,
            $$"""{"tenant":"demo","email":"auditor@demo.example","password":"{{BulwarkApiFactory.DemoPassword}}","cookies":true}""");
        Assert.True(login.Status == 200, $"{login.Status} {login.Body}");
        var cookie = "Cookie: " + string.Join("; ", login.Values("Set-Cookie").Select(c => c.Split(';')[0])) + "\r\n";
        Assert.Equal(200, (await Authentication.ClusterRevocationTests.SendAsync(cluster.B, "127.0.27.5", "GET", "/api/v1/accounts", null,
            headers: cookie)).Status);

        // AUTH-7 + DESIGN.md's budget: the access cookie defers the IP tiers and the ban check into the per-user call too.
        await cluster.Redis.CliAsync("CONFIG", "RESETSTAT");
        for (var i = 0; i < 8; i++)
        {
            var response = await Authentication.ClusterRevocationTests.SendAsync(cluster.Instances[i % 2], "127.0.27.5", "GET",
                "/api/v1/accounts", null, headers: cookie);
            Assert.True(response.Status == 200, $"request {i + 1} got {response.Status}: {response.Body}");
        }

        var calls = await cluster.Redis.CommandCallsAsync();
        Assert.Equal(8, calls.GetValueOrDefault("evalsha") + calls.GetValueOrDefault("eval"));

        // A bad cookie still pays its IP tiers and ban check (deferred calls run when authentication fails): one call,
        // plus BAN-1's auth-failure count since it is a 401 with a credential.
        await cluster.Redis.CliAsync("CONFIG", "RESETSTAT");
        var bad = await Authentication.ClusterRevocationTests.SendAsync(cluster.A, "127.0.27.5", "GET", "/api/v1/accounts", null,
            headers: "Cookie: __Host-bulwark-access=not.a.token\r\n");
        Assert.Equal(401, bad.Status);
        calls = await cluster.Redis.CommandCallsAsync();
        Assert.Equal(2, calls.GetValueOrDefault("evalsha") + calls.GetValueOrDefault("eval"));
    }

    [Fact, Trait("Control", "RL-2"), Trait("Category", "Distributed")]
    public async Task RedisStopped_PerInstanceLimitsApply_NoServerError_AndSharedLimitsResumeWhenItReturns()
    {
        // Only what the instances log from here on counts (a start-up connect may have logged its own recovery).
        var marks = cluster.Instances.Select(i => i.OutputLines.Count).ToArray();
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
                l => l.Contains("\"EventType\":\"ratelimit.store.degraded\"", StringComparison.Ordinal) && l.Contains("\"@l\":\"Fatal\"", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10)));
        }
        finally
        {
            // Steady traffic on both instances before, during and after the restart (a request every 200 ms each):
            // answering it from the fallback must not postpone the switch back to Redis.
            using var stopProbing = new CancellationTokenSource();
            var probes = cluster.Instances.Select((instance, n) => ProbeUntilRecoveredAsync(instance, n, marks[n], stopProbing.Token)).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await cluster.Redis.StartAgainAsync();
            await Task.WhenAny(Task.WhenAll(probes), Task.Delay(TimeSpan.FromSeconds(60)));
            await stopProbing.CancelAsync();
            await Task.WhenAll(probes); // a probe's 5xx fails the test here
        }

        foreach (var (instance, n) in cluster.Instances.Select((instance, n) => (instance, n)))
        {
            Assert.True(instance.OutputLines.Skip(marks[n]).Any(IsRecovered),
                "no ratelimit.store.recovered within 60 s; last lines:\n" + string.Join('\n', instance.OutputLines.TakeLast(40)));
        }

        for (var i = 0; i < 100; i++)
        {
            var response = await ClusterFixture.GetAsync(cluster.Instances[i % 2], "127.0.22.2", "/health/live");
            Assert.True(response.Status == 200, $"request {i + 1} after recovery got {response.Status}");
        }

        Assert.Equal(429, (await ClusterFixture.GetAsync(cluster.A, "127.0.22.2", "/health/live")).Status);

        // LOG-2/LOG-3: both transitions are in the shared audit store too, as system events of the store.
        foreach (var type in new[] { "ratelimit.store.degraded", "ratelimit.store.recovered" })
        {
            var rows = await AuditRowsAsync(type);
            Assert.True(rows.Count >= 2, $"{type}: {rows.Count} stored events (one per instance expected)");
            Assert.All(rows, r => Assert.Matches("^[0-9a-f]{32}$|^$", r.TraceId ?? ""));
        }

        Assert.Equal("failure", (await AuditRowsAsync("ratelimit.store.degraded"))[0].Outcome);
        Assert.Equal("success", (await AuditRowsAsync("ratelimit.store.recovered"))[0].Outcome);
    }

    private async Task<List<(string Outcome, string? TraceId)>> AuditRowsAsync(string type)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using var connection = new Npgsql.NpgsqlConnection(cluster.Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT \"Outcome\", \"TraceId\" FROM audit_events WHERE \"Type\" = @type", connection);
            command.Parameters.AddWithValue("type", type);
            var rows = new List<(string, string?)>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
                }
            }

            if (rows.Count >= 2 || DateTime.UtcNow > deadline)
            {
                return rows;
            }

            await Task.Delay(200);
        }
    }

    private static bool IsRecovered(string line) =>
        line.Contains("\"EventType\":\"ratelimit.store.recovered\"", StringComparison.Ordinal);

    /// <summary>Asks <paramref name="instance"/> every 200 ms (never a 5xx) until it logs the return to Redis.</summary>
    private static async Task ProbeUntilRecoveredAsync(ApiProcess instance, int n, int mark, CancellationToken cancellationToken)
    {
        for (var probe = 0; !cancellationToken.IsCancellationRequested && !instance.OutputLines.Skip(mark).Any(IsRecovered); probe++)
        {
            var response = await ClusterFixture.GetAsync(instance, $"127.0.{25 + n}.{probe % 250 + 1}", "/health/live");
            Assert.True(response.Status < 500, $"probe got {response.Status}");
            await Task.Delay(200, CancellationToken.None);
        }
    }

    [Fact, Trait("Control", "BAN-1"), Trait("Category", "Distributed")]
    public async Task UnknownPaths_CountDistinctAcrossTheCluster_RepeatsAreFree()
    {
        // One broken link retried 40 times, alternating instances: one distinct path, no ban.
        for (var i = 0; i < 40; i++)
        {
            Assert.True((await ClusterFixture.GetAsync(cluster.Instances[i % 2], "127.0.24.5", "/api/v1/old-report")).Status is 401 or 404);
        }

        Assert.Equal(200, (await ClusterFixture.GetAsync(cluster.A, "127.0.24.5", "/health/live")).Status);

        // 30 distinct paths spread over both instances (each sent twice): the 30th bans the client on both.
        for (var i = 0; i < 30; i++)
        {
            Assert.True((await ClusterFixture.GetAsync(cluster.Instances[i % 2], "127.0.24.6", $"/cgi-bin/probe-{i}")).Status is 401 or 404);
            if (i < 29)
            {
                Assert.True((await ClusterFixture.GetAsync(cluster.Instances[(i + 1) % 2], "127.0.24.6", $"/cgi-bin/probe-{i}")).Status is 401 or 404);
            }
        }

        Assert.Equal(403, (await ClusterFixture.GetAsync(cluster.A, "127.0.24.6", "/health/live")).Status);
        Assert.Equal(403, (await ClusterFixture.GetAsync(cluster.B, "127.0.24.6", "/health/live")).Status);
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
