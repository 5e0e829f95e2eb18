using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Security.Audit;

namespace Bulwark.Api.Tests.Audit;

/// <summary>
/// LOG-3: the audit read API (<c>GET /api/v1/audit-events</c>, <c>/chain</c>) for admin and auditor:
/// filters, paging, sort allow-list, tenant scope, role gate, chain status after tampering.
/// </summary>
public abstract class AuditEventsApiTests(BulwarkApiFactory api)
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> CreateItemAsync(HttpClient client, string sku)
    {
        using var created = await client.PostAsJsonAsync("/api/v1/items", new { sku, name = "Listed", unit = "pcs", unitCost = 2 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task ListAuditEvents_ByResource_ReturnsTheChangeWithItsDiff_InTheListShape()
    {
        using var admin = await api.ClientForAsync("admin");
        var sku = "L-" + Unique();
        var id = await CreateItemAsync(admin, sku);

        var page = await GetJsonAsync(admin, $"/api/v1/audit-events?resource=Item/{id}");
        Assert.Equal(1, page.GetProperty("totalCount").GetInt32());
        Assert.Equal(1, page.GetProperty("page").GetInt32());
        Assert.Equal(50, page.GetProperty("pageSize").GetInt32());
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(SecurityEventTypes.DataChanged, item.GetProperty("type").GetString());
        Assert.Equal("create", item.GetProperty("action").GetString());
        Assert.Equal((await AuditQueries.UserIdAsync(api, "admin@demo.example")).ToString(), item.GetProperty("actorId").GetString());
        Assert.Equal(sku, item.GetProperty("data").GetProperty("changes").GetProperty("sku").GetProperty("after").GetString());
        Assert.Equal(64, item.GetProperty("hash").GetString()!.Length);
        Assert.False(item.TryGetProperty("tenantId", out _));
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task ListAuditEvents_FiltersByTypeActorAndTime_AndPagesWithSort()
    {
        using var admin = await api.ClientForAsync("admin");
        var prefix = "Q-" + Unique() + "-";
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 3; i++)
        {
            await CreateItemAsync(admin, prefix + i);
        }

        var actor = (await AuditQueries.UserIdAsync(api, "admin@demo.example")).ToString();
        var from = Uri.EscapeDataString(before.ToString("O", CultureInfo.InvariantCulture));
        var url = $"/api/v1/audit-events?type=data.changed&actor={actor}&resource=Item/&from={from}&sort=-sequence&pageSize=2";
        var first = await GetJsonAsync(admin, url);
        Assert.True(first.GetProperty("totalCount").GetInt32() >= 3);
        var items = first.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.True(items[0].GetProperty("sequence").GetInt64() > items[1].GetProperty("sequence").GetInt64());
        Assert.All(items, e =>
        {
            Assert.Equal("data.changed", e.GetProperty("type").GetString());
            Assert.Equal(actor, e.GetProperty("actorId").GetString());
            Assert.StartsWith("Item/", e.GetProperty("resource").GetString(), StringComparison.Ordinal);
            Assert.True(e.GetProperty("time").GetDateTime() >= before.UtcDateTime);
        });
        var second = await GetJsonAsync(admin, url + "&page=2");
        Assert.True(second.GetProperty("items")[0].GetProperty("sequence").GetInt64() < items[1].GetProperty("sequence").GetInt64());

        // A window in the past holds none of them.
        var to = Uri.EscapeDataString(before.AddYears(-5).ToString("O", CultureInfo.InvariantCulture));
        var empty = await GetJsonAsync(admin, $"/api/v1/audit-events?resource=Item/&to={to}");
        Assert.Equal(0, empty.GetProperty("totalCount").GetInt32());
    }

    [Fact, Trait("Control", "LOG-2")]
    public async Task ListAuditEvents_FindsStoredSecurityEvents_ByType()
    {
        var agent = "audit-api/" + Unique();
        using (var anonymous = api.CreateClient())
        {
            anonymous.DefaultRequestHeaders.UserAgent.ParseAdd(agent);
            using var failed = await anonymous.PostAsJsonAsync("/api/v1/auth/login",
                new { tenant = "demo", email = "finance@demo.example", password = "wrong-password-123" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.LoginFailed && e.Data!.Contains(agent)));
        using var auditor = await api.ClientForAsync("auditor");
        var page = await GetJsonAsync(auditor, "/api/v1/audit-events?type=auth.login.failed&sort=-sequence&pageSize=100");
        var found = page.GetProperty("items").EnumerateArray()
            .Single(e => e.GetProperty("data").GetProperty("userAgent").GetString() == agent);
        Assert.Equal("failure", found.GetProperty("outcome").GetString());
        Assert.Equal("invalid_credentials", found.GetProperty("reason").GetString());
        Assert.DoesNotContain("wrong-password-123", page.GetRawText(), StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task ListAuditEvents_OtherTenant_SeesNoneOfThisTenantsEvents()
    {
        using var admin = await api.ClientForAsync("admin");
        var id = await CreateItemAsync(admin, "T-" + Unique());
        using var rival = await api.ClientForAsync("admin", "rival");

        var page = await GetJsonAsync(rival, $"/api/v1/audit-events?resource=Item/{id}");
        Assert.Equal(0, page.GetProperty("totalCount").GetInt32());
        var all = await GetJsonAsync(rival, "/api/v1/audit-events?pageSize=100&sort=-sequence");
        Assert.True(all.GetProperty("totalCount").GetInt32() > 0);   // rival's own seed events
        Assert.DoesNotContain(id, all.GetRawText(), StringComparison.Ordinal);
    }

    [Theory, Trait("Control", "AZ-2")]
    [InlineData("finance")]
    [InlineData("employee")]
    [InlineData("hr")]
    public async Task AuditEndpoints_OtherRoles_Get403(string role)
    {
        using var client = await api.ClientForAsync(role);
        foreach (var url in new[] { "/api/v1/audit-events", "/api/v1/audit-events/chain" })
        {
            using var response = await client.GetAsync(url);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        }
    }

    [Fact, Trait("Control", "AZ-1")]
    public async Task AuditEndpoints_Anonymous_Get401()
    {
        using var client = api.CreateClient();
        using var response = await client.GetAsync("/api/v1/audit-events");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory, Trait("Control", "VAL-6")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("sort=hash", "sort")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [InlineData("tenantId=00000000-0000-0000-0000-000000000000", "tenantId")]
    [InlineData("actor=a%0Ab", "actor")]
    public async Task ListAuditEvents_BadQuery_Returns400NamingTheParameter(string query, string field)
    {
        using var admin = await api.ClientForAsync("auditor");
        using var response = await admin.GetAsync("/api/v1/audit-events?" + query);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task ChainStatus_ValidUntilARowIsEdited_ThenNamesTheBrokenEventToItsTenantOnly()
    {
        using var admin = await api.ClientForAsync("admin");
        var id = await CreateItemAsync(admin, "C-" + Unique());
        var healthy = await GetJsonAsync(admin, "/api/v1/audit-events/chain");
        Assert.True(healthy.GetProperty("valid").GetBoolean(), healthy.GetRawText());
        Assert.True(healthy.GetProperty("tenantEventsVerified").GetInt64() > 0);
        Assert.False(healthy.TryGetProperty("brokenAtSequence", out _));   // null members are omitted

        var stored = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Resource == "Item/" + id));
        var sql = string.Create(CultureInfo.InvariantCulture, $"UPDATE audit_events SET \"Action\" = '{{0}}' WHERE \"Sequence\" = {stored.Sequence}");
        await AuditQueries.ExecuteAsync(api, string.Format(CultureInfo.InvariantCulture, sql, "delete"));
        try
        {
            var broken = await GetJsonAsync(admin, "/api/v1/audit-events/chain");
            Assert.False(broken.GetProperty("valid").GetBoolean());
            Assert.Equal(stored.Sequence, broken.GetProperty("brokenAtSequence").GetInt64());
            Assert.Equal(stored.Id.ToString(), broken.GetProperty("brokenEventId").GetString());
            Assert.StartsWith("edited", broken.GetProperty("reason").GetString(), StringComparison.Ordinal);
            // LOG-6: finding the break is itself a critical security event (logged, stored, alerted).
            var brokenReason = string.Create(CultureInfo.InvariantCulture, $"sequence {stored.Sequence}: edited");
            var reported = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.AuditChainBroken
                && e.Reason!.StartsWith(brokenReason)));
            Assert.Equal("system", reported.ActorId);

            using var rival = await api.ClientForAsync("auditor", "rival");
            var seenByRival = await GetJsonAsync(rival, "/api/v1/audit-events/chain");
            Assert.False(seenByRival.GetProperty("valid").GetBoolean());
            Assert.False(seenByRival.TryGetProperty("brokenEventId", out _));
        }
        finally
        {
            await AuditQueries.ExecuteAsync(api, string.Format(CultureInfo.InvariantCulture, sql, "create"));
        }

        Assert.True((await GetJsonAsync(admin, "/api/v1/audit-events/chain")).GetProperty("valid").GetBoolean());
    }
}

public sealed class AuditEventsApiSqliteTests(SqliteApiFactory api) : AuditEventsApiTests(api), IClassFixture<SqliteApiFactory>;

public sealed class AuditEventsApiPostgresTests(PostgresApiFactory api) : AuditEventsApiTests(api), IClassFixture<PostgresApiFactory>;
