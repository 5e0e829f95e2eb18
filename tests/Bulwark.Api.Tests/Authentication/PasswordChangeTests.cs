using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// AUTH-1/AUTH-6/AUTH-11: <c>POST /auth/password</c> needs the current password (re-authentication), applies the
/// new-password rules (length, common/breached list), and ends the user's other sessions while this one stays.
/// </summary>
[Trait("Control", "AUTH-1"), Trait("Control", "AUTH-6"), Trait("Control", "AUTH-11")]
public sealed class PasswordChangeTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    private const string NewPassword = "plum-ocelot-vintage-47";

    private async Task<(HttpStatusCode Status, string Access, string Refresh)> LoginAsync(string role, string password)
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = $"{role}@demo.example", password });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, "", "");
        }

        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, json.GetProperty("accessToken").GetString()!, json.GetProperty("refreshToken").GetString()!);
    }

    private HttpClient Client(string token)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<HttpResponseMessage> ChangeAsync(string token, string currentPassword, string newPassword)
    {
        using var client = Client(token);
        return await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword, newPassword });
    }

    [Fact]
    public async Task WrongCurrentPassword_Is403_AndNothingChanges()
    {
        var session = await LoginAsync("inventory", BulwarkApiFactory.DemoPassword);
        using var response = await ChangeAsync(session.Access, "not-the-password-1", NewPassword);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("inventory", BulwarkApiFactory.DemoPassword)).Status);
    }

    [Theory]
    [InlineData("qwerty123456", "commonPassword")]
    [InlineData("1qaz2wsx3edc", "commonPassword")]
    [InlineData("short-pw", "minLength")]
    public async Task WeakNewPassword_Is400NamingTheField(string newPassword, string constraint)
    {
        var session = await LoginAsync("hr", BulwarkApiFactory.DemoPassword);
        using var response = await ChangeAsync(session.Access, BulwarkApiFactory.DemoPassword, newPassword);

        await ProblemAssert.IsValidationProblemAsync(response, "newPassword", constraint);
    }

    [Fact]
    public async Task Change_EndsTheOtherSessions_KeepsThisOne_AndOnlyTheNewPasswordLogsIn()
    {
        var other = await LoginAsync("auditor", BulwarkApiFactory.DemoPassword);
        var current = await LoginAsync("auditor", BulwarkApiFactory.DemoPassword);

        using (var response = await ChangeAsync(current.Access, BulwarkApiFactory.DemoPassword, NewPassword))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using (var client = Client(other.Access))
        using (var stale = await client.GetAsync("/api/v1/items"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        }

        using (var client = api.CreateClient())
        using (var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = other.Refresh }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        }

        using (var client = Client(current.Access))
        using (var kept = await client.GetAsync("/api/v1/items"))
        {
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("auditor", BulwarkApiFactory.DemoPassword)).Status);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("auditor", NewPassword)).Status);
    }

    [Fact]
    public async Task WithoutAToken_Is401()
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/password",
            new { currentPassword = BulwarkApiFactory.DemoPassword, newPassword = NewPassword });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
