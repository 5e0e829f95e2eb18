using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>The real process for the grace-window and reuse tests (1 s grace window).</summary>
public sealed class SessionProcessFixture : ApiProcessFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Bulwark:Sessions:ReuseGraceWindow"] = "00:00:01";
        // Request lines and success events (Information) are logged too, so the scan covers every line written.
        settings["Serilog:MinimumLevel:Default"] = "Information";
    }
}

/// <summary>
/// AUTH-5/AUTH-6/LOG-6 on a real instance: refresh-token values never reach the log; reuse after the
/// grace window raises a Critical <c>auth.refresh.reuse</c> event; revocations survive a restart
/// (loaded from the database at start).
/// </summary>
[Trait("Control", "AUTH-5"), Trait("Control", "AUTH-6")]
public sealed class SessionProcessTests(SessionProcessFixture instance) : IClassFixture<SessionProcessFixture>
{
    private static async Task<(string Access, string Refresh)> LoginAsync(HttpClient client, string role = "admin")
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = $"{role}@demo.example", password = BulwarkApiFactory.DemoPassword });
        return await ReadAsync(response);
    }

    private static async Task<(string Access, string Refresh)> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("accessToken").GetString()!, json.GetProperty("refreshToken").GetString()!);
    }

    [Fact, Trait("Control", "LOG-6")]
    public async Task Reuse_RaisesACriticalEvent_AndNoRefreshTokenEverReachesTheLog()
    {
        using var client = instance.CreateClient();
        var first = await LoginAsync(client);
        using var rotated = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Refresh });
        var second = await ReadAsync(rotated);
        await Task.Delay(1500);
        using var replay = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Refresh });
        await ProblemAssert.IsProblemAsync(replay, HttpStatusCode.Unauthorized);

        var line = await instance.Api.WaitForLineAsync(
            l => l.Contains("\"EventType\":\"auth.refresh.reuse\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.True(line is not null, "no auth.refresh.reuse event");
        Assert.Equal("Fatal", JsonDocument.Parse(line).RootElement.GetProperty("@l").GetString()); // Serilog's name for Critical

        Assert.Contains(instance.Api.OutputLines, l => l.Contains("auth.refresh.succeeded", StringComparison.Ordinal));
        Assert.DoesNotContain(instance.Api.OutputLines, l => l.Contains(first.Refresh, StringComparison.Ordinal));
        Assert.DoesNotContain(instance.Api.OutputLines, l => l.Contains(second.Refresh, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logout_IsStillInForceAfterARestart()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var settings = database.Settings();
        string access;
        string otherAccess;
        await using (var api = await ApiProcess.StartAsync(settings))
        {
            using var client = api.CreateClient();
            (access, _) = await LoginAsync(client);
            (otherAccess, _) = await LoginAsync(client);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
            using var logout = await client.PostAsync("/api/v1/auth/logout", null);
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        await using var restarted = await ApiProcess.StartAsync(settings);
        using var after = restarted.CreateClient();
        after.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        using var revoked = await after.GetAsync("/api/v1/items");
        await ProblemAssert.IsProblemAsync(revoked, HttpStatusCode.Unauthorized);
        after.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", otherAccess);
        using var live = await after.GetAsync("/api/v1/items");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
