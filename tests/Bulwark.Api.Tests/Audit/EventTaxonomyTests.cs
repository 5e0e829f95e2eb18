using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Erp.Audit;
using Bulwark.Security.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Api.Tests.Audit;

/// <summary>One real process (SQLite, bans enforced) whose audit store the test reads straight from the file.</summary>
public sealed class TaxonomyApi : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var settings = Database.Settings();
        RelaxedRateLimits.AddTo(settings);
        settings["Bulwark:Bans:ReportOnly"] = "false";             // BAN-1: a scanner is banned for real here
        settings["Bulwark:RateLimiting:User:PermitLimit"] = "25";  // RL-1: one user can reach its limit quickly
        settings["Bulwark:Sessions:ReuseGraceWindow"] = "00:00:00";
        settings["Bulwark:Lockout:MaxFailedAttempts"] = "3";           // AUTH-3: a lock within a few tries
        Api = await ApiProcess.StartAsync(settings);

        // A second process at the functional suites' setting: ban detectors in report-only mode.
        ReportingDatabase = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var reporting = ReportingDatabase.Settings();
        RelaxedRateLimits.AddTo(reporting);
        Reporting = await ApiProcess.StartAsync(reporting);
    }

    public TestDatabase ReportingDatabase { get; private set; } = null!;

    public ApiProcess Reporting { get; private set; } = null!;

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Reporting.DisposeAsync();
        await Database.DisposeAsync();
        await ReportingDatabase.DisposeAsync();
    }
}

/// <summary>
/// LOG-2/LOG-3 "done when": the event types of the taxonomy, each produced by a real request to a real process and
/// found in the audit store with the right fields — type, outcome, actor, tenant, client IP, resource, action (method),
/// reason, trace id, time, user agent. Every other type of <see cref="SecurityEventTypes"/> must be proven from the
/// store by another test of this suite (<see cref="EveryEventType_IsFoundInTheStoreByATest"/> checks that none is
/// left without one).
/// </summary>
[Trait("Control", "LOG-2"), Trait("Control", "LOG-3")]
public sealed partial class EventTaxonomyTests(TaxonomyApi taxonomy) : IClassFixture<TaxonomyApi>
{
    private const string UserAgent = "taxonomy-test/1.0";

    private sealed record Stored(string Type, string Outcome, string? ActorId, string? TenantId, string? ClientIp, string? Resource,
        string? Action, string? Reason, string? TraceId, string? Data, DateTime Time);

    private readonly DateTime _since = DateTime.UtcNow.AddSeconds(-1);

    private ApiProcess Api => taxonomy.Api;

    private HttpClient Client(string? token = null)
    {
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private sealed record Login(string Access, string Refresh, string UserId, string TenantId);

    private async Task<Login> LoginAsync(string role, string tenant = "demo")
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant, email = $"{role}@{tenant}.example", password = BulwarkApiFactory.DemoPassword });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var access = json.GetProperty("accessToken").GetString()!;
        var claims = JsonDocument.Parse(Base64UrlEncoder.Decode(access.Split('.')[1])).RootElement;
        return new Login(access, json.GetProperty("refreshToken").GetString()!, claims.GetProperty("sub").GetString()!,
            claims.GetProperty("tenant").GetString()!);
    }

    private async Task<List<Stored>> StoredAsync(string type, TestDatabase database)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(database.DataDirectory, "bulwark.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Type\", \"Outcome\", \"ActorId\", \"TenantId\", \"ClientIp\", \"Resource\", \"Action\", \"Reason\", \"TraceId\", \"Data\", \"Time\" FROM audit_events WHERE \"Type\" = $type ORDER BY \"Sequence\"";
        command.Parameters.AddWithValue("$type", type);
        var rows = new List<Stored>();
        await using var reader = await command.ExecuteReaderAsync();
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync())
        {
            rows.Add(new Stored(reader.GetString(0), reader.GetString(1), Text(2), Text(3), Text(4), Text(5), Text(6), Text(7), Text(8), Text(9),
                DateTime.SpecifyKind(reader.GetDateTime(10), DateTimeKind.Utc)));
        }

        return rows;
    }

    /// <summary>The newest stored event of <paramref name="type"/> that matches (waits for the background writer).</summary>
    private async Task<Stored> FindAsync(string type, Func<Stored, bool> match, TestDatabase? database = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            // Only this test's events (xunit makes an instance per test; the store holds the other tests' too).
            var found = (await StoredAsync(type, database ?? taxonomy.Database)).LastOrDefault(e => e.Time >= _since && match(e));
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no stored {type} event matched");
            await Task.Delay(100);
        }
    }

    private static void HasRequestFields(Stored e, string outcome, string method, string resource, string? actor, string? tenant,
        DateTime since, string clientIp = "127.0.0.1")
    {
        Assert.Equal(outcome, e.Outcome);
        Assert.Equal(method, e.Action);
        Assert.Equal(resource, e.Resource);
        Assert.Equal(clientIp, e.ClientIp);
        Assert.Equal(actor, e.ActorId);
        Assert.Equal(tenant?.ToUpperInvariant(), e.TenantId?.ToUpperInvariant());
        Assert.Matches("^[0-9a-f]{32}$", e.TraceId);
        Assert.InRange(e.Time, since.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
        Assert.Contains(UserAgent, e.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestEvents_AreStored_WithTheirFields()
    {
        var since = DateTime.UtcNow;
        var admin = await LoginAsync("admin");
        HasRequestFields(await FindAsync(SecurityEventTypes.LoginSucceeded, e => e.ActorId == admin.UserId),
            AuditOutcomes.Success, "POST", "/api/v1/auth/login", admin.UserId, admin.TenantId, since);

        using (var client = Client())
        using (var failed = await client.PostAsJsonAsync("/api/v1/auth/login",
                   new { tenant = "demo", email = "finance@demo.example", password = "Wrong-Password-123" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        var finance = await LoginAsync("finance");
        var loginFailed = await FindAsync(SecurityEventTypes.LoginFailed, e => e.ActorId == finance.UserId);
        HasRequestFields(loginFailed, AuditOutcomes.Failure, "POST", "/api/v1/auth/login", finance.UserId, finance.TenantId, since);
        Assert.Equal("invalid_credentials", loginFailed.Reason);

        // AUTH-4: a token that does not validate.
        using (var forged = Client(admin.Access[..^6] + "AAAAAA"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/items")).StatusCode);
        }

        HasRequestFields(await FindAsync(SecurityEventTypes.TokenRejected, e => e.Resource == "/api/v1/items"),
            AuditOutcomes.Failure, "GET", "/api/v1/items", null, null, since);

        // AUTH-5: rotate, then present the spent token (reuse: grace window 0 here), then an unknown one.
        var employee = await LoginAsync("employee");
        using (var client = Client())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = employee.Refresh })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = employee.Refresh })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/auth/refresh",
                new { refreshToken = new string('A', 43) })).StatusCode);
        }

        HasRequestFields(await FindAsync(SecurityEventTypes.RefreshSucceeded, e => e.ActorId == employee.UserId),
            AuditOutcomes.Success, "POST", "/api/v1/auth/refresh", employee.UserId, employee.TenantId, since);
        HasRequestFields(await FindAsync(SecurityEventTypes.RefreshReuse, e => e.ActorId == employee.UserId),
            AuditOutcomes.Denied, "POST", "/api/v1/auth/refresh", employee.UserId, employee.TenantId, since);
        var unknown = await FindAsync(SecurityEventTypes.RefreshFailed, e => e.Reason == "unknown_token");
        HasRequestFields(unknown, AuditOutcomes.Failure, "POST", "/api/v1/auth/refresh", null, null, since);

        // AUTH-6: logout ends the session.
        var manager = await LoginAsync("manager");
        using (var client = Client(manager.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/logout", null)).StatusCode);
        }

        HasRequestFields(await FindAsync(SecurityEventTypes.SessionRevoked, e => e.ActorId == manager.UserId),
            AuditOutcomes.Success, "POST", "/api/v1/auth/logout", manager.UserId, manager.TenantId, since);

        // AZ-1/AZ-6: a permission the role lacks.
        var employeeAgain = await LoginAsync("employee");
        using (var client = Client(employeeAgain.Access))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/accounts")).StatusCode);
        }

        var denied = await FindAsync(SecurityEventTypes.AuthorizationDenied, e => e.ActorId == employeeAgain.UserId);
        HasRequestFields(denied, AuditOutcomes.Denied, "GET", "/api/v1/accounts", employeeAgain.UserId, employeeAgain.TenantId, since);
        Assert.Contains("ledger:read", denied.Reason, StringComparison.Ordinal);

        // AZ-4/AZ-6: another tenant's record is 404, and an event.
        string itemId;
        using (var client = Client(admin.Access))
        using (var created = await client.PostAsJsonAsync("/api/v1/items",
                   new { sku = "TAX-" + Guid.NewGuid().ToString("N")[..8], name = "Taxonomy widget", unit = "pcs", unitCost = 12.5m }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            itemId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        var changed = await FindAsync(SecurityEventTypes.DataChanged, e => e.Resource == "Item/" + itemId);
        Assert.Equal(AuditOutcomes.Success, changed.Outcome);
        Assert.Equal(admin.UserId, changed.ActorId);
        Assert.Equal(admin.TenantId.ToUpperInvariant(), changed.TenantId?.ToUpperInvariant());
        Assert.Contains("Taxonomy widget", changed.Data, StringComparison.Ordinal);

        var rival = await LoginAsync("admin", "rival");
        using (var client = Client(rival.Access))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/items/" + itemId)).StatusCode);
        }

        HasRequestFields(await FindAsync(SecurityEventTypes.CrossTenantAccess, e => e.ActorId == rival.UserId),
            AuditOutcomes.Denied, "GET", "/api/v1/items/" + itemId, rival.UserId, rival.TenantId, since);

        // VAL-1 and VAL-6: a bad body, a query parameter the endpoint does not know.
        using (var client = Client(admin.Access))
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/items", new { sku = 5 })).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/items?bogus=1")).StatusCode);
        }

        HasRequestFields(await FindAsync(SecurityEventTypes.ValidationFailed, e => e.ActorId == admin.UserId && e.Action == "POST"),
            AuditOutcomes.Failure, "POST", "/api/v1/items", admin.UserId, admin.TenantId, since);
        var query = await FindAsync(SecurityEventTypes.QueryRejected, e => e.ActorId == admin.UserId);
        HasRequestFields(query, AuditOutcomes.Failure, "GET", "/api/v1/items", admin.UserId, admin.TenantId, since);
        Assert.Equal("bogus", query.Reason);

        // LOG-2: another admin action (the tenant's MFA requirement, set to what it already is).
        using (var client = Client(admin.Access))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/tenants/current/mfa", new { required = false })).StatusCode);
        }

        var action = await FindAsync(SecurityEventTypes.AdminAction, e => e.ActorId == admin.UserId);
        HasRequestFields(action, AuditOutcomes.Success, "PUT", "/api/v1/tenants/current/mfa", admin.UserId, admin.TenantId, since);
        Assert.Equal("tenant mfa required=False", action.Reason);

        // RL-1/RL-3: one user past its per-user limit (25 here).
        var inventory = await LoginAsync("inventory");
        using (var client = Client(inventory.Access))
        {
            var status = HttpStatusCode.OK;
            for (var i = 0; i < 40 && status != HttpStatusCode.TooManyRequests; i++)
            {
                using var response = await client.GetAsync("/api/v1/items");
                status = response.StatusCode;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, status);
        }

        var limited = await FindAsync(SecurityEventTypes.RateLimitRejected, e => e.ActorId == inventory.UserId);
        HasRequestFields(limited, AuditOutcomes.Denied, "GET", "/api/v1/items", inventory.UserId, inventory.TenantId, since);
        Assert.Equal("user", limited.Reason);
    }

    [Fact]
    public async Task AccountEvents_AreStored_WithTheirFields()
    {
        var since = DateTime.UtcNow;
        var admin = await LoginAsync("admin");

        // AUTH-1/AUTH-11: a password change.
        var hr = await LoginAsync("hr");
        using (var client = Client(hr.Access))
        using (var changed = await client.PostAsJsonAsync("/api/v1/auth/password",
                   new { currentPassword = BulwarkApiFactory.DemoPassword, newPassword = "taxonomy-heron-lantern-91" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        }

        HasRequestFields(await FindAsync(SecurityEventTypes.PasswordChanged, e => e.ActorId == hr.UserId && e.Outcome == AuditOutcomes.Success),
            AuditOutcomes.Success, "POST", "/api/v1/auth/password", hr.UserId, hr.TenantId, since);

        // AUTH-1/AUTH-6: the admin resets it back (and hr's sessions end).
        using (var client = Client(admin.Access))
        using (var reset = await client.PostAsJsonAsync($"/api/v1/users/{hr.UserId}/password", new { newPassword = BulwarkApiFactory.DemoPassword }))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        var resetEvent = await FindAsync(SecurityEventTypes.PasswordReset, e => e.ActorId == admin.UserId);
        HasRequestFields(resetEvent, AuditOutcomes.Success, "POST", $"/api/v1/users/{hr.UserId}/password", admin.UserId, admin.TenantId, since);
        Assert.Contains($"user {hr.UserId}", resetEvent.Reason, StringComparison.Ordinal);
        await LoginAsync("hr");

        // AUTH-3: more failures than allowed (3 here) lock the account; the admin unlocks it.
        var auditor = await LoginAsync("auditor");
        using (var client = Client())
        {
            for (var i = 0; i < 4; i++)
            {
                using var failed = await client.PostAsJsonAsync("/api/v1/auth/login",
                    new { tenant = "demo", email = "auditor@demo.example", password = "Wrong-Password-123" });
                Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            }
        }

        var locked = await FindAsync(SecurityEventTypes.AccountLocked, e => e.ActorId == auditor.UserId);
        HasRequestFields(locked, AuditOutcomes.Denied, "POST", "/api/v1/auth/login", auditor.UserId, auditor.TenantId, since);
        Assert.Equal("too_many_failures", locked.Reason);
        using (var client = Client(admin.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/users/{auditor.UserId}/unlock", null)).StatusCode);
        }

        HasRequestFields(await FindAsync(SecurityEventTypes.AccountUnlocked, e => e.ActorId == admin.UserId),
            AuditOutcomes.Success, "POST", $"/api/v1/users/{auditor.UserId}/unlock", admin.UserId, admin.TenantId, since);
        await LoginAsync("auditor");

        // AUTH-6: an admin disables, then enables an account.
        var manager = await LoginAsync("manager");
        using (var client = Client(admin.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/users/{manager.UserId}/disable", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/users/{manager.UserId}/enable", null)).StatusCode);
        }

        HasRequestFields(await FindAsync(SecurityEventTypes.AccountDisabled, e => e.ActorId == admin.UserId),
            AuditOutcomes.Success, "POST", $"/api/v1/users/{manager.UserId}/disable", admin.UserId, admin.TenantId, since);
        HasRequestFields(await FindAsync(SecurityEventTypes.AccountEnabled, e => e.ActorId == admin.UserId),
            AuditOutcomes.Success, "POST", $"/api/v1/users/{manager.UserId}/enable", admin.UserId, admin.TenantId, since);
        await LoginAsync("manager");
    }

    [Fact]
    public async Task BanEvents_AreStored_WithTheClientAndTheAdmin()
    {
        var since = DateTime.UtcNow;
        const string scanner = "127.0.77.9";
        var probe = await RawHttp.SendFromAsync(IPAddress.Parse(scanner), Api.Port,
            "GET /api/v1/items HTTP/1.1\r\nHost: localhost\r\nUser-Agent: sqlmap/1.8\r\nConnection: close\r\n\r\n");
        Assert.Equal(403, probe.Status);
        var ban = await FindAsync(SecurityEventTypes.BanCreated, e => e.ClientIp == scanner);
        Assert.Equal(AuditOutcomes.Denied, ban.Outcome);
        Assert.Equal("system", ban.ActorId);
        Assert.Equal("/api/v1/items", ban.Resource);
        Assert.StartsWith("scanner-user-agent;offence=1;until=", ban.Reason, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", ban.TraceId);
        Assert.InRange(ban.Time, since.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));

        var admin = await LoginAsync("admin");
        using (var client = Client(admin.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/bans/" + scanner)).StatusCode);
        }

        var lifted = await FindAsync(SecurityEventTypes.BanLifted, e => e.ActorId == admin.UserId);
        Assert.Equal(AuditOutcomes.Success, lifted.Outcome);
        Assert.Equal(scanner, lifted.ClientIp);
        Assert.Equal("offences=1", lifted.Reason);
    }

    [Fact, Trait("Control", "BAN-1")]
    public async Task AScannerInReportOnlyMode_IsServed_AndReported()
    {
        var since = DateTime.UtcNow;
        const string scanner = "127.0.78.9";
        var probe = await RawHttp.SendFromAsync(IPAddress.Parse(scanner), taxonomy.Reporting.Port,
            $"GET /api/v1/items HTTP/1.1\r\nHost: localhost\r\nUser-Agent: nikto/2.5 {UserAgent}\r\nConnection: close\r\n\r\n");
        Assert.Equal(401, probe.Status);   // not banned: served as usual (no token here)
        var reported = await FindAsync(SecurityEventTypes.BanReported, e => e.ClientIp == scanner, taxonomy.ReportingDatabase);
        HasRequestFields(reported, AuditOutcomes.Success, "GET", "/api/v1/items", null, null, since, scanner);
        Assert.StartsWith("scanner-user-agent;", reported.Reason, StringComparison.Ordinal);
        Assert.EndsWith(";report-only", reported.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every type the code can emit is found in the store by some test of this suite: a test file that names the type
    /// and reads the audit store (through <c>AuditQueries</c> or this class's reader). A new event type without such a
    /// test fails here.
    /// </summary>
    [Fact]
    public void EveryEventType_IsFoundInTheStoreByATest()
    {
        var fields = typeof(SecurityEventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).ToList();
        var tests = new[] { "Bulwark.Api.Tests", "Bulwark.Distributed.Tests" }
            .SelectMany(project => Directory.GetFiles(Path.Combine(RepositoryPaths.Root(), "tests", project), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .Where(text => text.Contains("AuditQueries.", StringComparison.Ordinal) || text.Contains("FROM audit_events", StringComparison.Ordinal))
            .ToList();
        var missing = fields.Where(f => !tests.Any(t => Regex.IsMatch(t, $@"SecurityEventTypes\.{f.Name}\b")
                || t.Contains($"\"{f.GetRawConstantValue()}\"", StringComparison.Ordinal)))
            .Select(f => (string)f.GetRawConstantValue()!).ToList();
        var purgeProven = tests.Any(t => t.Contains("AuditRetention.PurgedType", StringComparison.Ordinal));
        Assert.True(missing.Count == 0 && purgeProven,
            "event types no test finds in the audit store: " + string.Join(", ", missing) + (purgeProven ? "" : ", audit.purged"));
    }
}
