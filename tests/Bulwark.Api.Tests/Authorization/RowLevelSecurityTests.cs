using System.Net;
using System.Net.Http.Json;
using Bulwark.Api.Tests.Audit;
using Bulwark.Security.Audit;
using Npgsql;

namespace Bulwark.Api.Tests.Authorization;

/// <summary>
/// The app on PostgreSQL as it is meant to run (as every PostgreSQL host of the tests does, <see cref="TestDatabase.Settings"/>):
/// migrations and the seed as the owner role (bulwark_owner), requests as the application role (bulwark_app, DML only),
/// row-level security keyed on <c>bulwark.tenant_id</c>.
/// </summary>
public sealed class RowLevelSecurityApiFactory() : BulwarkApiFactory(TestProvider.Postgres)
{
    public string AppConnectionString => new NpgsqlConnectionStringBuilder(Database.AppConnectionString) { Pooling = false }.ToString();

    public string SuperuserConnectionString => new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Pooling = false }.ToString();

    /// <summary>Every tenant's id by slug, read as the superuser (no row-level security).</summary>
    public async Task<Dictionary<string, Guid>> TenantIdsAsync()
    {
        await using var owner = new NpgsqlConnection(SuperuserConnectionString);
        await owner.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"Slug\", \"Id\" FROM tenants", owner);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new Dictionary<string, Guid>();
        while (await reader.ReadAsync())
        {
            ids[reader.GetString(0)] = reader.GetGuid(1);
        }

        return ids;
    }
}

[Trait("Control", "AZ-4"), Trait("Control", "DATA-3")]
public sealed class RowLevelSecurityTests(RowLevelSecurityApiFactory api) : IClassFixture<RowLevelSecurityApiFactory>
{
    private static readonly string[] TenantTables =
    [
        "employees", "accounts", "journal_entries", "journal_lines", "items", "warehouses", "stock_levels", "stock_movements",
        // The authentication tables too: their flows enter the credential's tenant first (TenantScope).
        "users", "sessions", "refresh_tokens", "api_keys", "mfa_challenges", "mfa_recovery_codes",
    ];

    [Fact]
    public async Task TheApp_ServesItsTenant_AsTheApplicationRole_AndAnotherTenantsIdIs404AndAudited()
    {
        using var demo = await api.ClientForAsync("admin");
        var employees = System.Text.Json.JsonDocument.Parse(await demo.GetStringAsync("/api/v1/employees?pageSize=100"))
            .RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(8, employees.Count);
        var id = employees[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await demo.GetAsync($"/api/v1/employees/{id}")).StatusCode);

        using var rival = await api.ClientForAsync("admin", "rival");
        await ProblemAssert.IsProblemAsync(await rival.GetAsync($"/api/v1/employees/{id}"), HttpStatusCode.NotFound);
        var stored = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.CrossTenantAccess
            && e.Resource == $"/api/v1/employees/{id}"));
        Assert.Contains("Employee", stored.Reason ?? stored.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RawQueryAsTheAppRole_WithoutTheTenantSetting_ReturnsNoRows_AndWithItOnlyThatTenants()
    {
        var (demo, rival) = await TenantsAsync();
        await using var app = new NpgsqlConnection(api.AppConnectionString);
        await app.OpenAsync();
        foreach (var table in TenantTables)
        {
            // A query that forgets the tenant filter entirely, no setting: nothing.
            Assert.Equal(0L, await ScalarAsync(app, $"SELECT count(*) FROM {table}"));
        }

        await ScalarAsync(app, $"SELECT length(set_config('bulwark.tenant_id', '{demo}', false))");
        Assert.True(await ScalarAsync(app, "SELECT count(*) FROM employees") > 0);
        foreach (var table in TenantTables)
        {
            Assert.Equal(0L, await ScalarAsync(app, $"SELECT count(*) FROM {table} WHERE \"TenantId\" <> '{demo}'"));
        }

        // Writing a row into another tenant is refused by the policy's WITH CHECK.
        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(app,
            $"UPDATE items SET \"TenantId\" = '{rival}' WHERE \"Id\" = (SELECT \"Id\" FROM items LIMIT 1) RETURNING 1"));
        Assert.Equal("42501", error.SqlState);
    }

    [Fact]
    public async Task CredentialLookups_AsTheAppRole_NameTheTenantOnly_AndTheCredentialsOwnRowsStayHidden()
    {
        // A live session of each tenant: the demo admin's and the rival admin's refresh tokens.
        using var demoClient = await api.ClientForAsync("admin");
        using var rivalClient = await api.ClientForAsync("admin", "rival");
        var (demo, rival) = await TenantsAsync();
        await using var owner = new NpgsqlConnection(api.SuperuserConnectionString);
        await owner.OpenAsync();
        var hashes = new Dictionary<Guid, byte[]>();
        await using (var command = new NpgsqlCommand("SELECT DISTINCT ON (\"TenantId\") \"TenantId\", \"TokenHash\" FROM refresh_tokens", owner))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                hashes[reader.GetGuid(0)] = (byte[])reader[1];
            }
        }

        await using var app = new NpgsqlConnection(api.AppConnectionString);
        await app.OpenAsync();
        Assert.Equal(0L, await ScalarAsync(app, "SELECT count(*) FROM refresh_tokens"));
        Assert.Equal(demo, await TenantOfAsync(app, "bulwark_tenant_of_refresh_token", hashes[demo]));
        Assert.Equal(rival, await TenantOfAsync(app, "bulwark_tenant_of_refresh_token", hashes[rival]));
        Assert.Null(await TenantOfAsync(app, "bulwark_tenant_of_refresh_token", new byte[32]));
        Assert.Null(await TenantOfAsync(app, "bulwark_tenant_of_mfa_challenge", hashes[demo]));   // another kind's digest: nothing
        Assert.Null(await TenantOfAsync(app, "bulwark_tenant_of_api_key", "no-such-prefix"));

        // Entering the tenant the lookup named shows that tenant's credential rows, never the other's.
        await ScalarAsync(app, $"SELECT length(set_config('bulwark.tenant_id', '{demo}', false))");
        Assert.True(await ScalarAsync(app, "SELECT count(*) FROM refresh_tokens") > 0);
        Assert.Equal(0L, await ScalarAsync(app, $"SELECT count(*) FROM users WHERE \"TenantId\" = '{rival}'"));
        Assert.Equal(0L, await ScalarAsync(app, $"SELECT count(*) FROM sessions WHERE \"TenantId\" = '{rival}'"));

        // The revocation reload function hands over ids and expiry only.
        await using var columns = new NpgsqlCommand("SELECT * FROM bulwark_revoked_sessions(now()) LIMIT 0", app);
        await using var schema = await columns.ExecuteReaderAsync();
        Assert.Equal(["Id", "AbsoluteExpiresAt"], Enumerable.Range(0, schema.FieldCount).Select(schema.GetName));
    }

    [Fact]
    public async Task RevokedSessions_OfEveryTenant_AreReloadedAtStart_AsTheAppRole()
    {
        // A rival session is logged out (revoked); a fresh host, connecting as the application role only, must refuse
        // that session's access token from its first request (AUTH-6 start-up reload across tenants) and accept a live one.
        using var client = api.CreateClient();
        var revoked = await LoginAsync(client, "rival");
        var live = await LoginAsync(client, "rival");
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/logout");
        logout.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", revoked);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout)).StatusCode);

        await using var fresh = api.WithWebHostBuilder(_ => { });
        using var after = fresh.CreateClient();
        after.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", revoked);
        await ProblemAssert.IsProblemAsync(await after.GetAsync("/api/v1/tenants/current"), HttpStatusCode.Unauthorized);
        after.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", live);
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/api/v1/tenants/current")).StatusCode);
    }

    private static async Task<string> LoginAsync(HttpClient client, string tenant)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant, email = $"admin@{tenant}.example", password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
    }

    [Theory]
    [InlineData("ALTER TABLE employees ADD COLUMN pwned int")]
    [InlineData("DROP TABLE employees")]
    [InlineData("ALTER TABLE employees DISABLE ROW LEVEL SECURITY")]
    [InlineData("DROP POLICY bulwark_tenant_isolation ON employees")]
    [InlineData("CREATE TABLE pwned (x int)")]
    [InlineData("TRUNCATE employees")]
    [InlineData("UPDATE audit_events SET \"Reason\" = 'x'")]
    [InlineData("DELETE FROM audit_events")]
    [InlineData("TRUNCATE audit_events")]
    [InlineData("DELETE FROM \"__EFMigrationsHistory\"")]
    [InlineData("UPDATE data_protection_keys SET \"Xml\" = '<key/>'")]
    [InlineData("DELETE FROM data_protection_keys")]
    public async Task TheAppRole_CannotChangeTheSchema_NorRewriteTheAudit(string sql)
    {
        await using var app = new NpgsqlConnection(api.AppConnectionString);
        await app.OpenAsync();
        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(app, sql));
        Assert.True(error.SqlState is "42501", $"{sql}: {error.SqlState} {error.MessageText}");
    }

    [Fact]
    public async Task TheAppRole_MayAppendAndReadTheAudit_AndHasNoBypass()
    {
        await using var app = new NpgsqlConnection(api.AppConnectionString);
        await app.OpenAsync();
        Assert.True(await ScalarAsync(app, "SELECT count(*) FROM audit_events") >= 0);
        // AUTH-4/DATA-5: the running app (as this role) added the key ring's first key and reads it.
        Assert.True(await ScalarAsync(app, "SELECT count(*) FROM data_protection_keys") >= 1);
        Assert.Equal(1L, await ScalarAsync(app,
            "SELECT count(*) FROM pg_roles WHERE rolname = current_user AND NOT rolsuper AND NOT rolbypassrls AND NOT rolcreaterole AND NOT rolcreatedb"));
        Assert.Equal(0L, await ScalarAsync(app, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"));

        await using var owner = new NpgsqlConnection(api.SuperuserConnectionString);
        await owner.OpenAsync();
        foreach (var table in TenantTables)
        {
            Assert.Equal(1L, await ScalarAsync(owner,
                $"SELECT count(*) FROM pg_class WHERE relname = '{table}' AND relrowsecurity AND relforcerowsecurity"));
        }
    }

    private async Task<(Guid Demo, Guid Rival)> TenantsAsync()
    {
        var ids = await api.TenantIdsAsync();
        return (ids["demo"], ids["rival"]);
    }

    private static async Task<Guid?> TenantOfAsync(NpgsqlConnection connection, string function, object key)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}(@key)", connection);
        command.Parameters.AddWithValue("key", key);
        return await command.ExecuteScalarAsync() is Guid id ? id : null;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
