using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// AUTH-1: <c>create-admin</c> takes the password from the environment, never argv, and applies the new-password rules.
/// AZ-4: on PostgreSQL the verb runs as the application role (the test database's settings), so it creates the tenant
/// and its first admin under row-level security on <c>users</c> (it enters the new tenant first).
/// </summary>
[Trait("Control", "AUTH-1"), Trait("Control", "AZ-4")]
public abstract class CreateAdminTests(BulwarkApiFactory api)
{
    private const string NewPassword = "plum-ocelot-vintage-47";

    [Fact]
    public async Task CreateAdmin_TakesThePasswordFromTheEnvironment_NeverFromArgv_AndAppliesThePasswordRules()
    {
        var settings = new Dictionary<string, string?> { ["BULWARK_ADMIN_PASSWORD"] = NewPassword };
        var (argvExit, argvOutput) = await CliProcess.RunWithAsync(api.Database, settings,
            "create-admin", "--tenant", "acme", "--email", "root@acme.example", "--password", NewPassword);
        Assert.Equal(2, argvExit);
        Assert.Contains("refused", argvOutput, StringComparison.Ordinal);

        var (weakExit, weakOutput) = await CliProcess.RunWithAsync(api.Database,
            new Dictionary<string, string?> { ["BULWARK_ADMIN_PASSWORD"] = "qwerty123456" },
            "create-admin", "--tenant", "acme", "--email", "root@acme.example");
        Assert.Equal(2, weakExit);
        Assert.Contains("password", weakOutput, StringComparison.Ordinal);

        var (exit, output) = await CliProcess.RunWithAsync(api.Database, settings, "create-admin", "--tenant", "acme", "--email", "root@acme.example");
        Assert.True(exit == 0, output);
        var (againExit, _) = await CliProcess.RunWithAsync(api.Database, settings, "create-admin", "--tenant", "acme", "--email", "root@acme.example");
        Assert.Equal(1, againExit);

        using var client = api.CreateClient();
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "acme", email = "root@acme.example", password = NewPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        Assert.Equal("admin", TokenForge.Decode(token).GetProperty("roles").EnumerateArray().Single().GetString());
    }
}

public sealed class CreateAdminSqliteTests(SqliteApiFactory api) : CreateAdminTests(api), IClassFixture<SqliteApiFactory>;

public sealed class CreateAdminPostgresTests(PostgresApiFactory api) : CreateAdminTests(api), IClassFixture<PostgresApiFactory>;
