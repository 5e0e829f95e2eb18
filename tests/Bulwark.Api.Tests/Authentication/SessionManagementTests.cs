using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>A host at the product's default session cap (10), not the raised cap of the other suites.</summary>
public sealed class DefaultSessionCapApiFactory : BulwarkApiFactory
{
    public DefaultSessionCapApiFactory()
        : base(TestProvider.Sqlite)
    {
        ExtraSettings["Bulwark:Sessions:MaxSessionsPerUser"] = "10";
    }
}

/// <summary>
/// AUTH-11: a user lists their own sessions (device, IP, created, last seen; the current one flagged) and ends any of
/// them; another user's session is a 404; an 11th login ends the oldest session.
/// </summary>
[Trait("Control", "AUTH-11")]
public sealed class SessionManagementTests(DefaultSessionCapApiFactory api) : IClassFixture<DefaultSessionCapApiFactory>
{
    private async Task<string> LoginAsync(string role, string userAgent = "BulwarkTests/1.0")
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = $"{role}@demo.example", password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private HttpClient Client(string token)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<JsonElement[]> ListAsync(string token)
    {
        using var client = Client(token);
        using var response = await client.GetAsync("/api/v1/auth/sessions?pageSize=100");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("token", body, StringComparison.OrdinalIgnoreCase);
        return JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().ToArray();
    }

    private static string Sid(string token) => TokenForge.Decode(token).GetProperty("sid").GetString()!;

    private async Task<HttpStatusCode> ReadItemsAsync(string token)
    {
        using var client = Client(token);
        using var response = await client.GetAsync("/api/v1/tenants/current");
        return response.StatusCode;
    }

    [Fact]
    public async Task List_ShowsOwnSessionsWithDeviceAndIp_AndFlagsTheCurrentOne()
    {
        var phone = await LoginAsync("finance", "PhoneApp/2.0");
        var laptop = await LoginAsync("finance", "Laptop/3.0");

        var sessions = await ListAsync(laptop);

        var mine = sessions.Single(s => s.GetProperty("current").GetBoolean());
        Assert.Equal(Sid(laptop), Guid.Parse(mine.GetProperty("id").GetString()!).ToString("N"));
        Assert.Equal("Laptop/3.0", mine.GetProperty("userAgent").GetString());
        // ipAddress: the in-process test server has no client address (null is omitted); real Kestrel fills it.
        Assert.True(mine.TryGetProperty("lastSeenAt", out _) && mine.TryGetProperty("createdAt", out _));
        Assert.Contains(sessions, s => s.GetProperty("userAgent").GetString() == "PhoneApp/2.0" && !s.GetProperty("current").GetBoolean());
        Assert.DoesNotContain(await ListAsync(await LoginAsync("hr")), s => s.GetProperty("userAgent").GetString() == "PhoneApp/2.0");
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(phone));
    }

    [Fact, Trait("Control", "AZ-3"), Trait("Control", "AUTH-6")]
    public async Task End_OwnOtherSession_RevokesItAtOnce_AnotherUsersSessionIs404()
    {
        var stolen = await LoginAsync("employee", "Unknown/0.1");
        var mine = await LoginAsync("employee");
        var someoneElse = await LoginAsync("auditor");
        using var client = Client(mine);

        using (var foreign = await client.DeleteAsync($"/api/v1/auth/sessions/{Guid.ParseExact(Sid(someoneElse), "N")}"))
        {
            await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.NotFound);
        }

        using (var unknown = await client.DeleteAsync($"/api/v1/auth/sessions/{Guid.CreateVersion7()}"))
        {
            await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);
        }

        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(someoneElse));
        using (var ended = await client.DeleteAsync($"/api/v1/auth/sessions/{Guid.ParseExact(Sid(stolen), "N")}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadItemsAsync(stolen));
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(mine));
        Assert.DoesNotContain(await ListAsync(mine), s => Guid.Parse(s.GetProperty("id").GetString()!).ToString("N") == Sid(stolen));
    }

    [Fact]
    public async Task EleventhLogin_EndsTheOldestSession_AndTheUserKeepsTen()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            tokens.Add(await LoginAsync("manager", $"Device/{i}"));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadItemsAsync(tokens[0]));
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(tokens[1]));
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(tokens[10]));
        var sessions = await ListAsync(tokens[10]);
        Assert.Equal(10, sessions.Length);
        Assert.DoesNotContain(sessions, s => s.GetProperty("userAgent").GetString() == "Device/0");
    }
}
