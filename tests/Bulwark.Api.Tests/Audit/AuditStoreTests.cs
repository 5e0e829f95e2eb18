using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Erp.Audit;
using Bulwark.Security.Audit;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Tests.Audit;

/// <summary>LOG-3: state changes and security events land in the chained audit store, on SQLite and PostgreSQL.</summary>
public abstract class AuditStoreTests(BulwarkApiFactory api)
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static async Task<string> CreateItemAsync(HttpClient client, string sku)
    {
        using var created = await client.PostAsJsonAsync("/api/v1/items", new { sku, name = "Audited", unit = "pcs", unitCost = 4.5m });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task CreateItem_WritesChainedDataChangedEvent_WithFieldDiff()
    {
        using var client = await api.ClientForAsync("admin");
        var sku = "A-" + Unique();
        var id = await CreateItemAsync(client, sku);

        var stored = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Resource == "Item/" + id));
        Assert.Equal(SecurityEventTypes.DataChanged, stored.Type);
        Assert.Equal("create", stored.Action);
        Assert.Equal(AuditOutcomes.Success, stored.Outcome);
        Assert.Equal((await AuditQueries.UserIdAsync(api, "admin@demo.example")).ToString(), stored.ActorId);
        Assert.Equal(await AuditQueries.TenantIdAsync(api, "demo"), stored.TenantId);
        Assert.False(string.IsNullOrEmpty(stored.TraceId));
        var changes = JsonDocument.Parse(stored.Data!).RootElement.GetProperty("changes");
        Assert.Equal(sku, changes.GetProperty("sku").GetProperty("after").GetString());
        Assert.Equal(450, changes.GetProperty("unitCostCents").GetProperty("after").GetInt64());
        Assert.Equal(AuditHash.Compute(stored), stored.Hash);

        var previous = await AuditQueries.WithDbAsync(api, db => db.AuditEvents.SingleAsync(e => e.Sequence == stored.Sequence - 1));
        Assert.Equal(previous.Hash, stored.PreviousHash);
    }

    [Fact, Trait("Control", "LOG-4")]
    public async Task UpdateEmployee_DiffHoldsChangedFieldsOnly_AndRedactsSensitiveValues()
    {
        using var client = await api.ClientForAsync("admin");
        var body = new Dictionary<string, object>
        {
            ["firstName"] = "Ada", ["lastName"] = "Lovelace", ["workEmail"] = $"ada.{Unique()}@demo.example",
            ["department"] = "Engineering", ["title"] = "Engineer", ["hireDate"] = "2021-03-01", ["status"] = "active",
            ["nationalId"] = "NI-778899", ["iban"] = "DE89370400440532013000", ["salary"] = 61234.56m,
        };
        using var created = await client.PostAsJsonAsync("/api/v1/employees", new Dictionary<string, object>(body) { ["number"] = "E-" + Unique() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        body["title"] = "Principal";
        body["salary"] = 70000.01m;
        body["version"] = 1;
        using var updated = await client.PutAsJsonAsync($"/api/v1/employees/{id}", body);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var events = await AuditQueries.WithDbAsync(api, db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Resource == "Employee/" + id).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal(["create", "update"], events.Select(e => e.Action));
        foreach (var secret in new[] { "NI-778899", "DE89370400440532013000", "6123456", "7000001" })
        {
            Assert.All(events, e => Assert.DoesNotContain(secret, e.Data!, StringComparison.Ordinal));
        }

        var create = JsonDocument.Parse(events[0].Data!).RootElement.GetProperty("changes");
        Assert.True(create.GetProperty("nationalId").GetProperty("redacted").GetBoolean());
        Assert.Equal("Ada", create.GetProperty("firstName").GetProperty("after").GetString());

        var update = JsonDocument.Parse(events[1].Data!).RootElement.GetProperty("changes");
        Assert.Equal("Engineer", update.GetProperty("title").GetProperty("before").GetString());
        Assert.Equal("Principal", update.GetProperty("title").GetProperty("after").GetString());
        Assert.True(update.GetProperty("salaryCents").GetProperty("redacted").GetBoolean());
        Assert.False(update.TryGetProperty("firstName", out _));   // unchanged fields are not in the diff
        Assert.False(update.TryGetProperty("nationalId", out _));
    }

    [Fact, Trait("Control", "LOG-4")]
    public async Task SeededUser_AuditEventNeverHoldsThePasswordHash()
    {
        var user = await AuditQueries.WithDbAsync(api, db => db.Users.IgnoreQueryFilters().FirstAsync(u => u.NormalizedEmail == "HR@DEMO.EXAMPLE"));
        var stored = await AuditQueries.WithDbAsync(api, db => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Resource == "User/" + user.Id));
        Assert.Equal("system", stored.ActorId);
        Assert.DoesNotContain(user.PasswordHash, stored.Data!, StringComparison.Ordinal);
        var changes = JsonDocument.Parse(stored.Data!).RootElement.GetProperty("changes");
        Assert.True(changes.GetProperty("passwordHash").GetProperty("redacted").GetBoolean());
        Assert.Equal("hr@demo.example", changes.GetProperty("email").GetProperty("after").GetString());
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task AuditWriteFails_ChangeIsNotCommitted_AndCallerGetsGeneric500()
    {
        using var client = await api.ClientForAsync("admin");
        var sku = "F-" + Unique();
        await AuditQueries.ExecuteAsync(api, api.Provider == TestProvider.Postgres
            ? "CREATE FUNCTION audit_reject() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store closed'; END $$; " +
              "CREATE TRIGGER audit_reject BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_reject();"
            : "CREATE TRIGGER audit_reject BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit store closed'); END;");
        try
        {
            using var refused = await client.PostAsJsonAsync("/api/v1/items", new { sku, name = "Unaudited", unit = "pcs", unitCost = 1 });
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.InternalServerError);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.DoesNotContain("audit", text, StringComparison.OrdinalIgnoreCase);
            Assert.False(await AuditQueries.WithDbAsync(api, db => db.Items.IgnoreQueryFilters().AnyAsync(i => i.Sku == sku)));
        }
        finally
        {
            await AuditQueries.ExecuteAsync(api, api.Provider == TestProvider.Postgres
                ? "DROP TRIGGER audit_reject ON audit_events; DROP FUNCTION audit_reject();"
                : "DROP TRIGGER audit_reject;");
        }

        // The same change goes through once the store accepts its audit event.
        var id = await CreateItemAsync(client, sku);
        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Resource == "Item/" + id));
    }

    [Fact, Trait("Control", "LOG-2")]
    public async Task LoginFailure_AndSuccess_AreStoredWithRequestFields()
    {
        var agent = "audit-test/" + Unique();
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd(agent);
        using var failed = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = "admin@demo.example", password = "not-the-password-1" });
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        using var succeeded = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = "admin@demo.example", password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, succeeded.StatusCode);

        var adminId = (await AuditQueries.UserIdAsync(api, "admin@demo.example")).ToString();
        var demo = await AuditQueries.TenantIdAsync(api, "demo");
        var failure = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.LoginFailed && e.Data!.Contains(agent)));
        Assert.Equal(AuditOutcomes.Failure, failure.Outcome);
        Assert.Equal("invalid_credentials", failure.Reason);
        Assert.Equal(adminId, failure.ActorId);
        Assert.Equal(demo, failure.TenantId);
        Assert.Equal("/api/v1/auth/login", failure.Resource);
        Assert.Equal("POST", failure.Action);
        Assert.False(string.IsNullOrEmpty(failure.TraceId));
        Assert.Equal(agent, JsonDocument.Parse(failure.Data!).RootElement.GetProperty("userAgent").GetString());
        Assert.DoesNotContain("not-the-password-1", failure.Data!, StringComparison.Ordinal);
        Assert.Equal(AuditHash.Compute(failure), failure.Hash);

        var success = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.LoginSucceeded && e.Data!.Contains(agent)));
        Assert.Equal(AuditOutcomes.Success, success.Outcome);
        Assert.Equal(adminId, success.ActorId);
    }

    [Fact, Trait("Control", "LOG-2")]
    public async Task ValidationFailure_IsStoredWithFieldNamesOnly()
    {
        var agent = "audit-test/" + Unique();
        using var client = await api.ClientForAsync("admin");
        client.DefaultRequestHeaders.UserAgent.ParseAdd(agent);
        using var bad = await client.PostAsJsonAsync("/api/v1/items", new { name = "<b>secret-markup</b>", unit = "pcs", unitCost = 1 });
        await ProblemAssert.IsValidationProblemAsync(bad, "sku", "required");

        var stored = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.ValidationFailed && e.Data!.Contains(agent)));
        Assert.Equal(AuditOutcomes.Failure, stored.Outcome);
        Assert.Contains("sku", stored.Reason!, StringComparison.Ordinal);
        Assert.Contains("name", stored.Reason!, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-markup", stored.Reason + stored.Data, StringComparison.Ordinal);
        Assert.Equal((await AuditQueries.UserIdAsync(api, "admin@demo.example")).ToString(), stored.ActorId);
        Assert.Equal(await AuditQueries.TenantIdAsync(api, "demo"), stored.TenantId);
        Assert.Equal("/api/v1/items", stored.Resource);
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task ThirtyConcurrentCreates_KeepTheChainValid()
    {
        using var client = await api.ClientForAsync("admin");
        var prefix = "P-" + Unique() + "-";
        var ids = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => CreateItemAsync(client, prefix + i)));

        var sequences = await AuditQueries.WithDbAsync(api, db => db.AuditEvents.AsNoTracking()
            .Where(e => ids.Select(id => "Item/" + id).Contains(e.Resource!)).Select(e => e.Sequence).ToListAsync());
        Assert.Equal(30, sequences.Distinct().Count());

        var (exitCode, output) = await CliProcess.RunAsync(api.Database, "verify-audit");
        Assert.True(exitCode == 0, output);
        Assert.Contains("verify-audit: OK", output, StringComparison.Ordinal);
    }
}

public sealed class AuditStoreSqliteTests(SqliteApiFactory api) : AuditStoreTests(api), IClassFixture<SqliteApiFactory>;

public sealed class AuditStorePostgresTests(PostgresApiFactory api) : AuditStoreTests(api), IClassFixture<PostgresApiFactory>;
