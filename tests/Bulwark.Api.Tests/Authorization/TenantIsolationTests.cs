using System.Net;
using System.Text;
using Bulwark.Api.Tests.Audit;
using Bulwark.Erp.Data;
using Bulwark.Security.Audit;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Tests.Authorization;

/// <summary>
/// AZ-4: the rival tenant's admin (every permission) asks for each of the demo tenant's resources by id and gets
/// 404, exactly like an unknown id; AZ-6: each such request is an <c>authz.cross_tenant</c> security event,
/// while an unknown id is not. Run on SQLite and PostgreSQL.
/// </summary>
[Trait("Control", "AZ-4"), Trait("Control", "AZ-6")]
public abstract class TenantIsolationTests(BulwarkApiFactory api)
{
    [Fact]
    public async Task RivalAdmin_GetsNotFound_ForEveryDemoResourceById_AndEachIsAudited()
    {
        var ids = await AuditQueries.WithDbAsync(api, async db =>
        {
            var demo = await db.Tenants.Where(t => t.Slug == "demo").Select(t => t.Id).SingleAsync();
            async Task<Guid> First<T>(IQueryable<T> set)
                where T : TenantEntity => await set.IgnoreQueryFilters().Where(e => e.TenantId == demo).Select(e => e.Id).FirstAsync();
            return new Dictionary<string, Guid>
            {
                ["users"] = await First(db.Users.Where(u => u.Email == "admin@demo.example")),
                ["employees"] = await First(db.Employees),
                ["accounts"] = await First(db.Accounts),
                ["journal-entries"] = await First(db.JournalEntries),
                ["items"] = await First(db.Items),
                ["warehouses"] = await First(db.Warehouses),
                ["stock-movements"] = await First(db.StockMovements),
            };
        });
        using var demoAdmin = await api.ClientForAsync("admin");
        using var rival = await api.ClientForAsync("admin", "rival");

        var requests = ids.Select(kv => (HttpMethod.Get, $"/api/v1/{kv.Key}/{kv.Value}", (string?)null)).ToList();
        requests.Add((HttpMethod.Get, $"/api/v1/accounts/{ids["accounts"]}/balance", null));
        requests.Add((HttpMethod.Put, $"/api/v1/users/{ids["users"]}/roles", """{"roles":["employee"]}"""));
        requests.Add((HttpMethod.Patch, $"/api/v1/employees/{ids["employees"]}", """{"firstName":"X","version":1}"""));
        requests.Add((HttpMethod.Post, $"/api/v1/journal-entries/{ids["journal-entries"]}/post", """{"version":1}"""));
        foreach (var (method, url, body) in requests)
        {
            if (method == HttpMethod.Get)
            {
                using var own = await demoAdmin.GetAsync(url);
                Assert.True(own.StatusCode == HttpStatusCode.OK, $"{url} as the owner: {(int)own.StatusCode}");
            }

            using var request = new HttpRequestMessage(method, url);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await rival.SendAsync(request);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
            var path = new Uri("http://x" + url).AbsolutePath;
            var stored = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.CrossTenantAccess && e.Resource == path));
            Assert.Contains("AZ-4", stored.Reason ?? stored.Data, StringComparison.Ordinal);
        }

        // The demo data is untouched (the rival's PUT /roles and PATCH changed nothing).
        var roles = await AuditQueries.WithDbAsync(api, db => db.Users.IgnoreQueryFilters().Where(u => u.Id == ids["users"]).Select(u => u.Roles).SingleAsync());
        Assert.Equal(["admin"], roles);
    }

    [Fact]
    public async Task UnknownId_IsNotFound_AndNotACrossTenantEvent()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        var unknown = Guid.CreateVersion7();
        await ProblemAssert.IsProblemAsync(await rival.GetAsync($"/api/v1/items/{unknown}"), HttpStatusCode.NotFound);
        // Give the background audit writer time to store anything it was handed.
        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Resource == $"/api/v1/items/{unknown}" || e.Type == SecurityEventTypes.LoginSucceeded));
        await Task.Delay(500);
        var events = await AuditQueries.WithDbAsync(api, db => db.AuditEvents.CountAsync(e => e.Resource == $"/api/v1/items/{unknown}"));
        Assert.Equal(0, events);
    }
}

public sealed class TenantIsolationSqliteTests(SqliteApiFactory api) : TenantIsolationTests(api), IClassFixture<SqliteApiFactory>;

public sealed class TenantIsolationPostgresTests(PostgresApiFactory api) : TenantIsolationTests(api), IClassFixture<PostgresApiFactory>;
