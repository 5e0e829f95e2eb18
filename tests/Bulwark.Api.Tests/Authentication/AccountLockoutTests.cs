using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Api.Tests.RateLimiting;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>A real instance at the product's rate limits with a 15 s lockout period, so expiry runs in seconds.</summary>
public sealed class LockoutApi : ApiProcessFixture
{
    public const int LockoutSeconds = 15;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        RelaxedRateLimits.Remove(settings);
        settings["Bulwark:Lockout:LockoutDuration"] = $"00:00:{LockoutSeconds}";
        settings["Serilog:MinimumLevel:Default"] = "Information";
    }
}

/// <summary>
/// AUTH-3: more than 10 failed logins lock an account, counted per account whatever the source IP (each IP here
/// stays under the 5/min login limit); the right password then fails exactly like a wrong one (AUTH-2) until the
/// lock expires or an admin lifts it. Lockout and unlock are security events.
/// </summary>
[Trait("Control", "AUTH-3")]
public sealed class AccountLockoutTests(LockoutApi instance) : IClassFixture<LockoutApi>
{
    internal static string WithoutTraceId(string body)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString();
    }

    private Task<RawResponse> LoginAsync(string ip, string role, string? password = null) =>
        RateLimitWire.LoginAsync(instance.Api, ip, password ?? "Wrong-Password-123", email: $"{role}@demo.example");

    private async Task FailElevenTimesAsync(string subnet, string role)
    {
        for (var i = 1; i <= 11; i++)
        {
            var response = await LoginAsync($"127.0.{subnet}.{i}", role);
            Assert.True(response.Status == 401, $"attempt {i}: {response.Status} {response.Body}");
        }
    }

    private async Task<string> UserIdAsync(HttpClient admin, string email)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users?pageSize=100");
        return page.GetProperty("items").EnumerateArray()
            .Single(u => u.GetProperty("email").GetString() == email).GetProperty("id").GetString()!;
    }

    [Fact, Trait("Control", "AUTH-2")]
    public async Task ElevenFailuresFromElevenIps_LockTheAccount_TheRightPasswordFailsLikeAWrongOne_UntilExpiry()
    {
        var wrong = await LoginAsync("127.0.31.1", "finance");
        for (var i = 2; i <= 11; i++)
        {
            Assert.Equal(401, (await LoginAsync($"127.0.31.{i}", "finance")).Status);
        }

        var right = await LoginAsync("127.0.31.12", "finance", BulwarkApiFactory.DemoPassword);

        Assert.Equal(401, right.Status);
        Assert.Equal(WithoutTraceId(wrong.Body), WithoutTraceId(right.Body));
        var locked = await instance.Api.WaitForLineAsync(
            l => l.Contains("\"EventType\":\"auth.account.locked\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.True(locked is not null, "no auth.account.locked event");
        // Log lines are written by a background worker: the refusal's line follows the response shortly.
        var lockedOut = await instance.Api.WaitForLineAsync(
            l => l.Contains("\"Reason\":\"locked_out\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.True(lockedOut is not null, "no login failure with reason locked_out");

        await Task.Delay(TimeSpan.FromSeconds(LockoutApi.LockoutSeconds + 0.5));
        Assert.Equal(200, (await LoginAsync("127.0.31.13", "finance", BulwarkApiFactory.DemoPassword)).Status);
    }

    [Fact]
    public async Task TenFailures_DoNotLock_AndASuccessResetsTheCount()
    {
        for (var round = 0; round < 2; round++)
        {
            for (var i = 1; i <= 10; i++)
            {
                Assert.Equal(401, (await LoginAsync($"127.0.{32 + round}.{i}", "inventory")).Status);
            }

            var right = await LoginAsync($"127.0.{32 + round}.11", "inventory", BulwarkApiFactory.DemoPassword);
            Assert.True(right.Status == 200, $"round {round}: {right.Status} {right.Body}");
        }
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task AdminUnlock_LiftsTheLock_OnlyForTheTenantsAdmin_AndIsAnEvent()
    {
        using var admin = await instance.ClientForAsync("admin");
        using var manager = await instance.ClientForAsync("manager");
        using var rivalAdmin = await instance.ClientForAsync("admin", "rival");
        var hrId = await UserIdAsync(admin, "hr@demo.example");
        await FailElevenTimesAsync("34", "hr");
        Assert.Equal(401, (await LoginAsync("127.0.34.12", "hr", BulwarkApiFactory.DemoPassword)).Status);

        using (var denied = await manager.PostAsync($"/api/v1/users/{hrId}/unlock", null))
        {
            await ProblemAssert.IsProblemAsync(denied, HttpStatusCode.Forbidden);
        }

        using (var otherTenant = await rivalAdmin.PostAsync($"/api/v1/users/{hrId}/unlock", null))
        {
            await ProblemAssert.IsProblemAsync(otherTenant, HttpStatusCode.NotFound);
        }

        using (var unknown = await admin.PostAsync($"/api/v1/users/{Guid.CreateVersion7()}/unlock", null))
        {
            await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);
        }

        Assert.Equal(401, (await LoginAsync("127.0.34.13", "hr", BulwarkApiFactory.DemoPassword)).Status);
        using (var unlocked = await admin.PostAsync($"/api/v1/users/{hrId}/unlock", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, unlocked.StatusCode);
        }

        Assert.Equal(200, (await LoginAsync("127.0.34.14", "hr", BulwarkApiFactory.DemoPassword)).Status);
        var line = await instance.Api.WaitForLineAsync(
            l => l.Contains("\"EventType\":\"auth.account.unlocked\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.True(line is not null, "no auth.account.unlocked event");
        Assert.Contains(hrId, line, StringComparison.Ordinal);
    }
}
