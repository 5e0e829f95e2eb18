using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;
using Bulwark.Erp.Audit;
using Bulwark.Security.Audit;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// AUTH-11: <c>POST /auth/email</c> changes the caller's sign-in e-mail only after re-authentication (current password),
/// refuses an address another user of the tenant has (409) and a malformed one (400), ends the user's other sessions
/// (AUTH-6) and is a security event; afterwards only the new address signs in.
/// </summary>
[Trait("Control", "AUTH-11"), Trait("Control", "AUTH-6")]
public abstract class EmailChangeTests(BulwarkApiFactory api)
{
    private async Task<(string Access, string Refresh)> LoginAsync(string email)
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email, password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("accessToken").GetString()!, json.GetProperty("refreshToken").GetString()!);
    }

    private async Task<HttpStatusCode> LoginStatusAsync(string email)
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email, password = BulwarkApiFactory.DemoPassword });
        return response.StatusCode;
    }

    private async Task<HttpResponseMessage> ChangeAsync(string token, object body)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.PostAsJsonAsync("/api/v1/auth/email", body);
    }

    [Fact]
    public async Task WrongPassword_Is403_TakenAddress_Is409_BadAddress_Is400_AndNothingChanges()
    {
        var (access, _) = await LoginAsync("manager@demo.example");

        using (var wrong = await ChangeAsync(access, new { currentPassword = "not-the-password-1", newEmail = "boss@demo.example" }))
        {
            await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Forbidden);
        }

        using (var taken = await ChangeAsync(access, new { currentPassword = BulwarkApiFactory.DemoPassword, newEmail = "HR@demo.example" }))
        {
            await ProblemAssert.IsProblemAsync(taken, HttpStatusCode.Conflict);
        }

        using (var malformed = await ChangeAsync(access, new { currentPassword = BulwarkApiFactory.DemoPassword, newEmail = "not an address" }))
        {
            await ProblemAssert.IsValidationProblemAsync(malformed, "newEmail");
        }

        using (var same = await ChangeAsync(access, new { currentPassword = BulwarkApiFactory.DemoPassword, newEmail = "Manager@Demo.example" }))
        {
            await ProblemAssert.IsProblemAsync(same, HttpStatusCode.UnprocessableEntity);
        }

        Assert.Equal(HttpStatusCode.OK, await LoginStatusAsync("manager@demo.example"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync("boss@demo.example"));
        var failure = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.EmailChanged && e.Outcome == AuditOutcomes.Failure));
        Assert.Equal("reauthentication_failed", failure.Reason);
    }

    [Fact]
    public async Task Change_EndsTheOtherSessions_KeepsThisOne_AndOnlyTheNewAddressSignsIn()
    {
        var other = await LoginAsync("employee@demo.example");
        var current = await LoginAsync("employee@demo.example");
        const string newEmail = "e.mployee@demo.example";

        using (var changed = await ChangeAsync(current.Access, new { currentPassword = BulwarkApiFactory.DemoPassword, newEmail }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.Equal(newEmail, (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());
        }

        using var client = api.CreateClient();
        using var otherRefresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = other.Refresh });
        Assert.Equal(HttpStatusCode.Unauthorized, otherRefresh.StatusCode);   // AUTH-6: the other session ended
        using var currentRefresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = current.Refresh });
        Assert.Equal(HttpStatusCode.OK, currentRefresh.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync("employee@demo.example"));
        Assert.Equal(HttpStatusCode.OK, await LoginStatusAsync(newEmail));
        var success = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.EmailChanged && e.Outcome == AuditOutcomes.Success));
        Assert.Equal("/api/v1/auth/email", success.Resource);
    }
}

public sealed class EmailChangeSqliteTests(SqliteApiFactory api) : EmailChangeTests(api), IClassFixture<SqliteApiFactory>;

public sealed class EmailChangePostgresTests(PostgresApiFactory api) : EmailChangeTests(api), IClassFixture<PostgresApiFactory>;
