using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// AUTH-6/AUTH-8: an admin disables an account (its tokens die at once, its logins and refreshes fail like any wrong
/// credential), enables it again, and resets a lost second factor. users:manage only, never on oneself, another
/// tenant's user is 404. An admin password reset ends every session of the user (AUTH-6).
/// </summary>
[Trait("Control", "AUTH-6"), Trait("Control", "AUTH-8")]
public abstract class UserAccountAdminTests(BulwarkApiFactory api)
{
    private sealed record Tokens(string Access, string Refresh);

    private async Task<HttpResponseMessage> LoginAsync(string email)
    {
        using var client = api.CreateClient();
        return await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = email.Split('@', '.')[1], email, password = BulwarkApiFactory.DemoPassword });
    }

    private async Task<Tokens> SignInAsync(string email)
    {
        using var response = await LoginAsync(email);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new Tokens(json.GetProperty("accessToken").GetString()!, json.GetProperty("refreshToken").GetString()!);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string token, object? body = null)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request);
    }

    private async Task<HttpStatusCode> StatusAsync(HttpMethod method, string url, string token, object? body = null)
    {
        using var response = await SendAsync(method, url, token, body);
        return response.StatusCode;
    }

    [Fact]
    public async Task DisabledUser_LosesEverySessionAtOnce_CannotSignIn_AndComesBackWhenEnabled()
    {
        var admin = await api.TokenForAsync("admin");
        var hrId = await AuditQueries.UserIdAsync(api, "hr@demo.example");
        var hr = await SignInAsync("hr@demo.example");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/v1/employees", hr.Access));

        // Who may not: a role without users:manage (403), the admin on themselves (422), another tenant's admin (404).
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Post, $"/api/v1/users/{hrId}/disable", await api.TokenForAsync("manager")));
        var adminId = await AuditQueries.UserIdAsync(api, "admin@demo.example");
        using (var self = await SendAsync(HttpMethod.Post, $"/api/v1/users/{adminId}/disable", admin))
        {
            await ProblemAssert.IsProblemAsync(self, (HttpStatusCode)422);
        }

        using (var foreign = await SendAsync(HttpMethod.Post, $"/api/v1/users/{hrId}/disable", await api.TokenForAsync("admin", "rival")))
        {
            await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.NotFound);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/v1/employees", hr.Access));

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(HttpMethod.Post, $"/api/v1/users/{hrId}/disable", admin));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/api/v1/employees", hr.Access));
        using (var login = await LoginAsync("hr@demo.example"))
        {
            var problem = await ProblemAssert.IsProblemAsync(login, HttpStatusCode.Unauthorized);
            Assert.Equal("Invalid credentials.", problem.GetProperty("detail").GetString());
        }

        using (var client = api.CreateClient())
        using (var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = hr.Refresh }))
        {
            await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }

        using (var listed = await SendAsync(HttpMethod.Get, $"/api/v1/users/{hrId}", admin))
        {
            Assert.False(JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement.GetProperty("isActive").GetBoolean());
        }

        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.AccountDisabled));

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(HttpMethod.Post, $"/api/v1/users/{hrId}/enable", admin));
        var back = await SignInAsync("hr@demo.example");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/v1/employees", back.Access));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/api/v1/employees", hr.Access));   // the old session stays dead
    }

    [Fact]
    public async Task AdminReset_RemovesALostFactor_AndEndsTheSessionsItOpened()
    {
        var admin = await api.TokenForAsync("admin");
        var employee = await SignInAsync("employee@demo.example");
        using var enroll = await SendAsync(HttpMethod.Post, "/api/v1/auth/mfa/enroll", employee.Access,
            new { currentPassword = BulwarkApiFactory.DemoPassword });
        var secret = JsonDocument.Parse(await enroll.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Post, "/api/v1/auth/mfa/confirm", employee.Access,
            new { code = TotpCodes.Compute(secret, DateTimeOffset.UtcNow) }));
        using (var challenged = await LoginAsync("employee@demo.example"))
        {
            Assert.True(JsonDocument.Parse(await challenged.Content.ReadAsStringAsync()).RootElement.GetProperty("mfaRequired").GetBoolean());
        }

        var employeeId = await AuditQueries.UserIdAsync(api, "employee@demo.example");
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Delete, $"/api/v1/users/{employeeId}/mfa", employee.Access));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Delete, $"/api/v1/users/{employeeId}/mfa",
            await api.TokenForAsync("admin", "rival")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/v1/auth/mfa", employee.Access));

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(HttpMethod.Delete, $"/api/v1/users/{employeeId}/mfa", admin));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/api/v1/auth/mfa", employee.Access));
        var fresh = await SignInAsync("employee@demo.example");   // the password alone again: no factor left
        using var status = await SendAsync(HttpMethod.Get, "/api/v1/auth/mfa", fresh.Access);
        var json = JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement;
        Assert.False(json.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, json.GetProperty("recoveryCodesLeft").GetInt32());
    }

    [Fact, Trait("Control", "AUTH-1")]
    public async Task PasswordReset_EndsEverySessionOfTheUser_OnlyTheNewPasswordSignsIn_AndKeepsTheRules()
    {
        const string newPassword = "quartz-pelican-harbor-28";
        var admin = await api.TokenForAsync("admin");
        var inventoryId = await AuditQueries.UserIdAsync(api, "inventory@demo.example");
        var inventory = await SignInAsync("inventory@demo.example");
        var url = $"/api/v1/users/{inventoryId}/password";

        // Who may not: a role without users:manage, the admin on themselves, another tenant's admin; weak passwords.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Post, url, await api.TokenForAsync("manager"), new { newPassword }));
        var adminId = await AuditQueries.UserIdAsync(api, "admin@demo.example");
        using (var self = await SendAsync(HttpMethod.Post, $"/api/v1/users/{adminId}/password", admin, new { newPassword }))
        {
            await ProblemAssert.IsProblemAsync(self, (HttpStatusCode)422);
        }

        using (var foreign = await SendAsync(HttpMethod.Post, url, await api.TokenForAsync("admin", "rival"), new { newPassword }))
        {
            await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.NotFound);
        }

        using (var weak = await SendAsync(HttpMethod.Post, url, admin, new { newPassword = "qwerty123456" }))
        {
            await ProblemAssert.IsValidationProblemAsync(weak, "newPassword", "commonPassword");
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/v1/items", inventory.Access));

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(HttpMethod.Post, url, admin, new { newPassword }));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/api/v1/items", inventory.Access));   // AUTH-6
        using (var client = api.CreateClient())
        using (var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = inventory.Refresh }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        }

        using (var old = await LoginAsync("inventory@demo.example"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        using (var client = api.CreateClient())
        using (var signIn = await client.PostAsJsonAsync("/api/v1/auth/login",
                   new { tenant = "demo", email = "inventory@demo.example", password = newPassword }))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }

        var stored = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.PasswordReset));
        Assert.Equal(await AuditQueries.UserIdAsync(api, "admin@demo.example"), Guid.Parse(stored.ActorId!));
        Assert.Equal(url, stored.Resource);
        Assert.DoesNotContain(newPassword, stored.Reason + stored.Data, StringComparison.Ordinal);

        // Back to the demo password for the other tests of this class.
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(HttpMethod.Post, url, admin, new { newPassword = BulwarkApiFactory.DemoPassword }));
    }
}

public sealed class UserAccountAdminSqliteTests(SqliteApiFactory api) : UserAccountAdminTests(api), IClassFixture<SqliteApiFactory>;

public sealed class UserAccountAdminPostgresTests(PostgresApiFactory api) : UserAccountAdminTests(api), IClassFixture<PostgresApiFactory>;
