using System.Net;
using System.Text;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;
using Bulwark.Security.Audit;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Tests.Authorization;

/// <summary>
/// AZ-3 ownership and AZ-5 field-level visibility on the demo seed: employee@ is linked to John Thornton,
/// manager@ to Margaret Hale, whose direct reports are John, Nicholas and Bessy. Run on SQLite and PostgreSQL.
/// </summary>
[Trait("Control", "AZ-3"), Trait("Control", "AZ-5")]
public abstract class OwnershipTests(BulwarkApiFactory api)
{
    private static readonly string[] SensitiveNames = ["nationalId", "iban", "salary"];

    [Fact]
    public async Task Employee_ReadsOwnRecordWithSensitiveFields_ButNotAColleagueNorTheList()
    {
        var (own, colleague, _) = await DemoIdsAsync();
        using var client = await api.ClientForAsync("employee");

        var body = await GetOkAsync(client, $"/api/v1/employees/{own}");
        var me = JsonDocument.Parse(body).RootElement;
        Assert.Equal("employee@demo.example", me.GetProperty("workEmail").GetString());
        Assert.All(SensitiveNames, name => Assert.True(me.TryGetProperty(name, out _), name)); // own record: AZ-5

        using var other = await client.GetAsync($"/api/v1/employees/{colleague}");
        var problem = await ProblemAssert.IsProblemAsync(other, HttpStatusCode.Forbidden);
        Assert.DoesNotContain("employees:", problem.GetRawText(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/v1/employees"), HttpStatusCode.Forbidden);

        // AZ-6: the refusal is a security event naming the rule.
        var denied = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.AuthorizationDenied
            && e.Resource == $"/api/v1/employees/{colleague}"));
        Assert.Contains("AZ-3", denied.Reason ?? denied.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Employee_PatchesOwnProfile_LimitedFields_AndNotAColleagues()
    {
        var (own, colleague, _) = await DemoIdsAsync();
        using var client = await api.ClientForAsync("employee");
        var version = JsonDocument.Parse(await GetOkAsync(client, $"/api/v1/employees/{own}")).RootElement.GetProperty("version").GetInt32();

        using var patched = await client.PatchAsync($"/api/v1/employees/{own}",
            Json($$"""{"firstName":"Johnny","iban":"DE89370400440532013000","version":{{version}}}"""));
        var text = await patched.Content.ReadAsStringAsync();
        Assert.True(patched.StatusCode == HttpStatusCode.OK, text);
        var after = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Johnny", after.GetProperty("firstName").GetString());
        Assert.Equal("Thornton", after.GetProperty("lastName").GetString());
        Assert.Equal("DE89370400440532013000", after.GetProperty("iban").GetString());
        Assert.Equal(version + 1, after.GetProperty("version").GetInt32());

        using var foreign = await client.PatchAsync($"/api/v1/employees/{colleague}", Json("""{"firstName":"X","version":1}"""));
        await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PutAsync($"/api/v1/employees/{own}", Json("{}")), HttpStatusCode.Forbidden);
    }

    [Theory, Trait("Control", "VAL-3")]
    [InlineData("salary", "1000000")]
    [InlineData("managerId", "null")]
    [InlineData("department", "\"Board\"")]
    [InlineData("status", "\"active\"")]
    [InlineData("title", "\"CEO\"")]
    [InlineData("tenantId", "\"00000000-0000-0000-0000-000000000001\"")]
    [InlineData("roles", "[\"admin\"]")]
    [InlineData("nationalId", "\"X-1\"")]
    public async Task Employee_PatchWithAFieldOutsideTheProfile_Is400_AndChangesNothing(string field, string value)
    {
        var (own, _, _) = await DemoIdsAsync();
        using var client = await api.ClientForAsync("employee");
        var before = await GetOkAsync(client, $"/api/v1/employees/{own}");
        var version = JsonDocument.Parse(before).RootElement.GetProperty("version").GetInt32();

        using var response = await client.PatchAsync($"/api/v1/employees/{own}",
            Json($$"""{"firstName":"Mallory","{{field}}":{{value}},"version":{{version}}}"""));
        await ProblemAssert.IsValidationProblemAsync(response, field, "unknownProperty");
        Assert.Equal(before, await GetOkAsync(client, $"/api/v1/employees/{own}"));
    }

    [Fact]
    public async Task Manager_ReadsDirectReportsWithoutSensitiveFields_ButNotOthers()
    {
        var (report, _, outsider) = await DemoIdsAsync();
        using var client = await api.ClientForAsync("manager");

        var body = await GetOkAsync(client, $"/api/v1/employees/{report}");
        Assert.All(SensitiveNames, name => Assert.DoesNotContain($"\"{name}\"", body, StringComparison.Ordinal));
        Assert.Equal("Thornton", JsonDocument.Parse(body).RootElement.GetProperty("lastName").GetString());
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/v1/employees/{outsider}"), HttpStatusCode.Forbidden);

        var list = await GetOkAsync(client, "/api/v1/employees?pageSize=100");
        var items = JsonDocument.Parse(list).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.All(items, e => Assert.Equal("Operations", e.GetProperty("department").GetString()));
        Assert.All(SensitiveNames, name => Assert.DoesNotContain($"\"{name}\"", list, StringComparison.Ordinal));
        // Asking for someone else's reports yields nobody.
        var others = await GetOkAsync(client, $"/api/v1/employees?managerId={report}");
        Assert.Equal(0, JsonDocument.Parse(others).RootElement.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Hr_SeesSensitiveFieldsOfAnyone_AuditorDoesNot()
    {
        var (_, colleague, _) = await DemoIdsAsync();
        using var hr = await api.ClientForAsync("hr");
        var full = JsonDocument.Parse(await GetOkAsync(hr, $"/api/v1/employees/{colleague}")).RootElement;
        Assert.All(SensitiveNames, name => Assert.True(full.TryGetProperty(name, out _), name));

        using var auditor = await api.ClientForAsync("auditor");
        var body = await GetOkAsync(auditor, $"/api/v1/employees/{colleague}");
        Assert.All(SensitiveNames, name => Assert.DoesNotContain($"\"{name}\"", body, StringComparison.Ordinal));
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task RivalEmployee_GetsNotFoundForADemoRecord()
    {
        var (own, _, _) = await DemoIdsAsync();
        using var rival = await api.ClientForAsync("employee", "rival");
        await ProblemAssert.IsProblemAsync(await rival.GetAsync($"/api/v1/employees/{own}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await rival.PatchAsync($"/api/v1/employees/{own}", Json("""{"firstName":"X","version":1}""")),
            HttpStatusCode.NotFound);
    }

    /// <summary>(employee@'s record, a colleague who is another report of the same manager, someone outside the team).</summary>
    private async Task<(Guid Own, Guid Colleague, Guid Outsider)> DemoIdsAsync() =>
        await AuditQueries.WithDbAsync(api, async db =>
        {
            var users = await db.Users.IgnoreQueryFilters().Where(u => u.Email == "employee@demo.example" || u.Email == "manager@demo.example")
                .ToDictionaryAsync(u => u.Email, u => u.EmployeeId!.Value);
            var own = users["employee@demo.example"];
            var manager = users["manager@demo.example"];
            var employees = await db.Employees.IgnoreQueryFilters().Where(e => e.TenantId == db.Employees.IgnoreQueryFilters()
                .Where(x => x.Id == own).Select(x => x.TenantId).First()).ToListAsync();
            var colleague = employees.First(e => e.ManagerId == manager && e.Id != own).Id;
            var outsider = employees.First(e => e.ManagerId != manager && e.Id != manager).Id;
            return (own, colleague, outsider);
        });

    private static async Task<string> GetOkAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return text;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

public sealed class OwnershipSqliteTests(SqliteApiFactory api) : OwnershipTests(api), IClassFixture<SqliteApiFactory>;

public sealed class OwnershipPostgresTests(PostgresApiFactory api) : OwnershipTests(api), IClassFixture<PostgresApiFactory>;
