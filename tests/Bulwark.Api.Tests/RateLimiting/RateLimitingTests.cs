using System.Net;

namespace Bulwark.Api.Tests.RateLimiting;

/// <summary>
/// A real instance at the product's rate limits (global 100/min, auth 10/min, login 5/min per IP), except the
/// per-user tier lowered to 30/min to keep its test short; one trusted proxy (127.0.9.1) and one allow-listed
/// network (127.0.8.0/24). Each test sends from its own 127.x.y.z source addresses, so partitions are real and
/// tests do not share them.
/// </summary>
public sealed class RateLimitApi : ApiProcessFixture
{
    public const int UserLimit = 30;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        RelaxedRateLimits.Remove(settings);
        settings["Bulwark:RateLimiting:User:PermitLimit"] = UserLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Bulwark:RateLimiting:AllowList:0"] = "127.0.8.0/24";
        settings["Bulwark:Transport:TrustedProxies:0"] = "127.0.9.1";
    }
}

public sealed class RateLimitingTests(RateLimitApi instance) : IClassFixture<RateLimitApi>
{
    [Fact, Trait("Control", "RL-1"), Trait("Control", "RL-3")]
    public async Task Login_SixthAttemptWithinAMinute_Returns429WithRetryAfter()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, (await RateLimitWire.LoginAsync(instance.Api, "127.0.1.1")).Status);
        }

        var refused = await RateLimitWire.LoginAsync(instance.Api, "127.0.1.1");

        RateLimitWire.Is429(refused, "login", 5);
        var securityEvent = await RateLimitWire.EventAsync(instance.Api, "127.0.1.1", "login");
        Assert.Equal("/api/v1/auth/login", securityEvent.GetProperty("Resource").GetString());
    }

    [Fact, Trait("Control", "RL-1")]
    public async Task Login_FromAnotherClientIp_IsNotLimited()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, (await RateLimitWire.LoginAsync(instance.Api, "127.0.1.2")).Status);
        }

        RateLimitWire.Is429(await RateLimitWire.LoginAsync(instance.Api, "127.0.1.2"), "login", 5);

        var other = await RateLimitWire.LoginAsync(instance.Api, "127.0.1.3", BulwarkApiFactory.DemoPassword, email: "admin@demo.example");
        Assert.Equal(200, other.Status);
        Assert.Contains("accessToken", other.Body, StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "RL-1"), Trait("Control", "RL-3")]
    public async Task Global_101stRequestFromOneIpWithinAMinute_Returns429()
    {
        for (var i = 0; i < 100; i++)
        {
            var response = await RateLimitWire.GetAsync(instance.Api, "127.0.2.1", "/health/live");
            Assert.True(response.Status == 200, $"request {i + 1} got {response.Status}");
        }

        RateLimitWire.Is429(await RateLimitWire.GetAsync(instance.Api, "127.0.2.1", "/health/live"), "global", 100);
        Assert.Equal(200, (await RateLimitWire.GetAsync(instance.Api, "127.0.2.2", "/health/live")).Status);
        await RateLimitWire.EventAsync(instance.Api, "127.0.2.1", "global");
    }

    [Fact, Trait("Control", "RL-1")]
    public async Task User_OverThePerUserLimit_Returns429AcrossClientIps_WhileAnotherUserIsServed()
    {
        var token = await instance.TokenForAsync("admin");
        const string path = "/api/v1/items?page=1&pageSize=1";
        for (var i = 0; i < RateLimitApi.UserLimit; i++)
        {
            // RL-1: the user tier counts per user, whichever IP the requests come from.
            var response = await RateLimitWire.GetAsync(instance.Api, i % 2 == 0 ? "127.0.3.1" : "127.0.3.2", path, token);
            Assert.True(response.Status == 200, $"request {i + 1} got {response.Status}: {response.Body}");
        }

        RateLimitWire.Is429(await RateLimitWire.GetAsync(instance.Api, "127.0.3.3", path, token), "user", RateLimitApi.UserLimit);
        Assert.Equal(200, (await RateLimitWire.GetAsync(instance.Api, "127.0.3.3", path, await instance.TokenForAsync("auditor"))).Status);
    }

    [Fact, Trait("Control", "RL-1")]
    public async Task ForgedBearerTokens_AreStillChargedToTheIpTier_WhileAValidTokenElsewhereIsServed()
    {
        // A bearer request's IP tiers are charged together with the user tier after authentication (one store call);
        // a token that fails authentication must still pay them. 95 plain requests and 5 forged-token ones (fewer than
        // BAN-1's auth-failure threshold) use up the address's 100 per minute; the next forged one is refused 429 "global".
        const string forged = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA";
        for (var i = 0; i < 95; i++)
        {
            Assert.Equal(200, (await RateLimitWire.GetAsync(instance.Api, "127.0.3.8", "/health/live")).Status);
        }

        for (var i = 0; i < 5; i++)
        {
            var response = await RateLimitWire.GetAsync(instance.Api, "127.0.3.8", "/api/v1/items?page=1&pageSize=1", forged);
            Assert.True(response.Status == 401, $"forged request {i + 1} got {response.Status}");
        }

        RateLimitWire.Is429(await RateLimitWire.GetAsync(instance.Api, "127.0.3.8", "/api/v1/items?page=1&pageSize=1", forged), "global", 100);
        Assert.Equal(200, (await RateLimitWire.GetAsync(instance.Api, "127.0.3.9", "/api/v1/items?page=1&pageSize=1",
            await instance.TokenForAsync("inventory"))).Status);
    }

    [Fact, Trait("Control", "RL-4")]
    public async Task AllowListedIp_IsNeverLimited()
    {
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(401, (await RateLimitWire.LoginAsync(instance.Api, "127.0.8.5")).Status);
        }

        for (var i = 0; i < 110; i++)
        {
            Assert.Equal(200, (await RateLimitWire.GetAsync(instance.Api, "127.0.8.5", "/health/live")).Status);
        }

        // The neighbour outside the allow-listed network is limited as usual.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, (await RateLimitWire.LoginAsync(instance.Api, "127.0.7.5")).Status);
        }

        RateLimitWire.Is429(await RateLimitWire.LoginAsync(instance.Api, "127.0.7.5"), "login", 5);
    }

    [Fact, Trait("Control", "TLS-2"), Trait("Control", "RL-1")]
    public async Task SpoofedForwardedFor_FromAnUntrustedClient_DoesNotChangeThePartition()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, (await RateLimitWire.LoginAsync(instance.Api, "127.0.4.1", forwardedFor: $"198.51.100.{i + 1}")).Status);
        }

        RateLimitWire.Is429(await RateLimitWire.LoginAsync(instance.Api, "127.0.4.1", forwardedFor: "198.51.100.77"), "login", 5);
        // The event names the socket address, never the header's.
        await RateLimitWire.EventAsync(instance.Api, "127.0.4.1", "login");
        Assert.DoesNotContain(instance.Api.OutputLines, l => l.Contains("198.51.100.", StringComparison.Ordinal));
    }

    [Fact, Trait("Control", "TLS-2"), Trait("Control", "RL-1")]
    public async Task ForwardedFor_FromTheTrustedProxy_SelectsTheClientIp()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, (await RateLimitWire.LoginAsync(instance.Api, "127.0.9.1", forwardedFor: "203.0.113.10")).Status);
        }

        RateLimitWire.Is429(await RateLimitWire.LoginAsync(instance.Api, "127.0.9.1", forwardedFor: "203.0.113.10"), "login", 5);
        await RateLimitWire.EventAsync(instance.Api, "203.0.113.10", "login");

        // Another client behind the same proxy has its own partition; a client-written entry left of the proxy's is ignored.
        Assert.Equal(401, (await RateLimitWire.LoginAsync(instance.Api, "127.0.9.1", forwardedFor: "203.0.113.10, 203.0.113.11")).Status);
        Assert.Equal(401, (await RateLimitWire.LoginAsync(instance.Api, "127.0.9.1", forwardedFor: "203.0.113.12")).Status);
    }
}
