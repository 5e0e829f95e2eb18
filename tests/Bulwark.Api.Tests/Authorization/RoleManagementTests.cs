using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;
using Bulwark.Api.Tests.Authentication;
using Bulwark.Security.Audit;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Tests.Authorization;

/// <summary>
/// AZ-2/AUTH-6: PUT /api/v1/users/{id}/roles changes the stored roles, revokes the user's sessions and clears
/// their cached permissions, so neither the old token nor the old permissions survive the change.
/// </summary>
[Trait("Control", "AZ-2")]
public sealed class RoleManagementTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    [Fact]
    public async Task ChangingRoles_KillsTheOldTokenAtOnce_AndTheNewPermissionsApply()
    {
        var userId = await AuditQueries.UserIdAsync(api, "inventory@demo.example");
        var old = await LoginAsync("inventory");
        Assert.Equal(HttpStatusCode.OK, await GetAsync(old, "/api/v1/items"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(old, "/api/v1/accounts"));
        // A correctly signed token that no session backs (no revocation can reach it) shows the cache is cleared too.
        using var key = TokenForge.LoadInstanceKey(api.Services);
        var sessionless = TokenForge.SignEs256(TokenForge.Header(key), TokenForge.Claims(TokenForge.Decode(old)), key);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(sessionless, "/api/v1/items"));

        using var admin = await api.ClientForAsync("admin");
        using var change = await admin.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new { roles = new[] { "hr" } });
        var text = await change.Content.ReadAsStringAsync();
        Assert.True(change.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(["hr"], JsonDocument.Parse(text).RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(old, "/api/v1/items"));       // AUTH-6: session revoked
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(sessionless, "/api/v1/items"));  // AZ-2: cache cleared
        Assert.Equal(HttpStatusCode.OK, await GetAsync(sessionless, "/api/v1/employees"));
        var fresh = await LoginAsync("inventory");
        Assert.Equal(HttpStatusCode.OK, await GetAsync(fresh, "/api/v1/employees"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(fresh, "/api/v1/items/" + Guid.NewGuid()));

        var stored = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.RolesChanged
            && e.Resource == $"/api/v1/users/{userId}/roles"));
        Assert.Contains("hr", stored.Reason ?? stored.Data, StringComparison.Ordinal);
        Assert.DoesNotContain(SecurityEventMarkers.AdminGranted, stored.Reason ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "LOG-6")]
    public async Task GrantingAdmin_IsMarkedInTheEvent_WhichMakesItCritical()
    {
        var userId = await AuditQueries.UserIdAsync(api, "auditor@demo.example");
        using var admin = await api.ClientForAsync("admin");
        using (var grant = await admin.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new { roles = new[] { "auditor", "admin" } }))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }

        using (var back = await admin.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new { roles = new[] { "auditor" } }))
        {
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        }

        var resource = $"/api/v1/users/{userId}/roles";
        Task<List<string?>> ReasonsAsync() => AuditQueries.WithDbAsync(api, db => db.AuditEvents
            .Where(e => e.Type == SecurityEventTypes.RolesChanged && e.Resource == resource)
            .OrderBy(e => e.Sequence).Select(e => e.Reason).ToListAsync());
        var events = await ReasonsAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (events.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            events = await ReasonsAsync();
        }

        Assert.Equal(2, events.Count);
        Assert.Contains(SecurityEventMarkers.AdminGranted, events[0], StringComparison.Ordinal);   // granted: critical
        Assert.DoesNotContain(SecurityEventMarkers.AdminGranted, events[1], StringComparison.Ordinal);   // taken away: not
    }

    [Theory]
    [InlineData("""{"roles":["root"]}""", "roles[0]")]
    [InlineData("""{"roles":["hr","hr"]}""", "roles")]
    [InlineData("""{"roles":"admin"}""", "roles")]
    [InlineData("""{}""", "roles")]
    [InlineData("""{"roles":["hr"],"tenantId":"x"}""", "tenantId")]
    public async Task InvalidRoles_Are400_AndChangeNothing(string body, string field)
    {
        var userId = await AuditQueries.UserIdAsync(api, "auditor@demo.example");
        using var admin = await api.ClientForAsync("admin");
        using var response = await admin.PutAsync($"/api/v1/users/{userId}/roles",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.IsValidationProblemAsync(response, field);
        var user = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/users/{userId}")).RootElement;
        Assert.Equal(["auditor"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task NonAdmin_CannotChangeRoles_AndAdminCannotChangeTheirOwn()
    {
        var hrId = await AuditQueries.UserIdAsync(api, "hr@demo.example");
        using var hr = await api.ClientForAsync("hr");
        using var selfPromotion = await hr.PutAsJsonAsync($"/api/v1/users/{hrId}/roles", new { roles = new[] { "admin" } });
        await ProblemAssert.IsProblemAsync(selfPromotion, HttpStatusCode.Forbidden);

        var adminId = await AuditQueries.UserIdAsync(api, "admin@demo.example");
        using var admin = await api.ClientForAsync("admin");
        using var own = await admin.PutAsJsonAsync($"/api/v1/users/{adminId}/roles", new { roles = Array.Empty<string>() });
        await ProblemAssert.IsProblemAsync(own, (HttpStatusCode)422);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/users")).StatusCode);
    }

    private async Task<string> LoginAsync(string role)
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = $"{role}@demo.example", password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
    }

    private async Task<HttpStatusCode> GetAsync(string token, string path)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }
}
