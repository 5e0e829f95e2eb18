using System.Net;
using System.Net.Http.Json;
using static Bulwark.Api.Tests.Ledger.LedgerTestData;

namespace Bulwark.Api.Tests.Ledger;

/// <summary>The chart of accounts end to end, run on SQLite and on PostgreSQL.</summary>
public abstract class AccountsTests(BulwarkApiFactory api)
{
    [Fact]
    public async Task Account_CreateGetListUpdate_RoundTrips()
    {
        using var client = await api.ClientForAsync("finance");
        var code = UniqueCode("CR");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", new { code, name = "Petty cash", type = "asset" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var account = await ReadJsonAsync(created);
        var id = account.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/accounts/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(code, account.GetProperty("code").GetString());
        Assert.Equal("asset", account.GetProperty("type").GetString());
        Assert.True(account.GetProperty("isActive").GetBoolean());
        Assert.Equal(1, account.GetProperty("version").GetInt32());

        using var got = await client.GetAsync($"/api/v1/accounts/{id}");
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal("Petty cash", (await ReadJsonAsync(got)).GetProperty("name").GetString());

        using var updated = await client.PutAsJsonAsync($"/api/v1/accounts/{id}", new { name = "Petty cash (HQ)", isActive = false, version = 1 });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await ReadJsonAsync(updated);
        Assert.Equal("Petty cash (HQ)", after.GetProperty("name").GetString());
        Assert.False(after.GetProperty("isActive").GetBoolean());
        Assert.Equal(2, after.GetProperty("version").GetInt32());
        Assert.Equal(code, after.GetProperty("code").GetString());

        using var inactive = await client.GetAsync("/api/v1/accounts?type=asset&active=false&pageSize=100&sort=-code");
        Assert.Equal(HttpStatusCode.OK, inactive.StatusCode);
        var rows = (await ReadJsonAsync(inactive)).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("id").GetString() == id);
        Assert.All(rows, r => Assert.Equal("asset", r.GetProperty("type").GetString()));
        Assert.All(rows, r => Assert.False(r.GetProperty("isActive").GetBoolean()));

        using var active = await client.GetAsync("/api/v1/accounts?active=true&pageSize=100");
        Assert.DoesNotContain((await ReadJsonAsync(active)).GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetString() == id);
    }

    [Fact, Trait("Control", "VAL-2")]
    public async Task Create_InvalidFields_Return400NamingEachField()
    {
        using var client = await api.ClientForAsync("finance");
        using var bad = await client.PostAsJsonAsync("/api/v1/accounts", new { code = "A B", name = "ok", type = "asset" });
        await ProblemAssert.IsValidationProblemAsync(bad, "code", "format");
        using var badName = await client.PostAsJsonAsync("/api/v1/accounts", new { code = UniqueCode(), name = "<b>x</b>", type = "asset" });
        await ProblemAssert.IsValidationProblemAsync(badName, "name", "plainText");
        using var badType = await client.PostAsJsonAsync("/api/v1/accounts", new { code = UniqueCode(), name = "x", type = "cash" });
        await ProblemAssert.IsValidationProblemAsync(badType, "type", "enum");
        using var longCode = await client.PostAsJsonAsync("/api/v1/accounts", new { code = new string('A', 33), name = "x", type = "asset" });
        await ProblemAssert.IsValidationProblemAsync(longCode, "code", "maxLength");
        using var badFilter = await client.GetAsync("/api/v1/accounts?type=cash");
        await ProblemAssert.IsValidationProblemAsync(badFilter, "type", "enum");
        using var badSort = await client.GetAsync("/api/v1/accounts?sort=balance");
        await ProblemAssert.IsValidationProblemAsync(badSort, "sort", "enum");

        using var good = await client.PostAsJsonAsync("/api/v1/accounts", new { code = new string('A', 24) + Guid.NewGuid().ToString("N")[..8], name = "x", type = "expense" });
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }

    [Fact, Trait("Control", "VAL-3")]
    public async Task Update_CodeTypeOrBalance_AreNotBindable()
    {
        using var client = await api.ClientForAsync("finance");
        var id = await CreateAccountAsync(client, "asset");
        using var code = await client.PutAsJsonAsync($"/api/v1/accounts/{id}", new { name = "x", isActive = true, version = 1, code = "NEW" });
        await ProblemAssert.IsValidationProblemAsync(code, "code", "unknownProperty");
        using var type = await client.PutAsJsonAsync($"/api/v1/accounts/{id}", new { name = "x", isActive = true, version = 1, type = "expense" });
        await ProblemAssert.IsValidationProblemAsync(type, "type", "unknownProperty");
        using var balance = await client.PostAsJsonAsync("/api/v1/accounts", new { code = UniqueCode(), name = "x", type = "asset", balance = 100 });
        await ProblemAssert.IsValidationProblemAsync(balance, "balance", "unknownProperty");

        var stored = await ReadJsonAsync(await client.GetAsync($"/api/v1/accounts/{id}"));
        Assert.Equal("asset", stored.GetProperty("type").GetString());
        Assert.Equal(1, stored.GetProperty("version").GetInt32());
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Create_DuplicateCode_Returns409()
    {
        using var client = await api.ClientForAsync("finance");
        var code = UniqueCode("DUP");
        await CreateAccountAsync(client, "asset", code);
        using var duplicate = await client.PostAsJsonAsync("/api/v1/accounts", new { code, name = "Again", type = "liability" });
        await ProblemAssert.IsProblemAsync(duplicate, HttpStatusCode.Conflict);

        // Codes are unique per tenant only: the rival may use the same code.
        using var rival = await api.ClientForAsync("admin", "rival");
        using var rivalCreate = await rival.PostAsJsonAsync("/api/v1/accounts", new { code, name = "Rival's", type = "asset" });
        Assert.Equal(HttpStatusCode.Created, rivalCreate.StatusCode);
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Update_WithStaleVersion_Returns409()
    {
        using var client = await api.ClientForAsync("finance");
        var id = await CreateAccountAsync(client);
        using var first = await client.PutAsJsonAsync($"/api/v1/accounts/{id}", new { name = "First", isActive = true, version = 1 });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var stale = await client.PutAsJsonAsync($"/api/v1/accounts/{id}", new { name = "Stale", isActive = true, version = 1 });
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Conflict);

        var stored = await ReadJsonAsync(await client.GetAsync($"/api/v1/accounts/{id}"));
        Assert.Equal("First", stored.GetProperty("name").GetString());
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task Get_OtherTenantsAccount_Returns404()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        var rivalId = await CreateAccountAsync(rival);
        using var demo = await api.ClientForAsync("finance");

        await ProblemAssert.IsProblemAsync(await demo.GetAsync($"/api/v1/accounts/{rivalId}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await demo.GetAsync($"/api/v1/accounts/{rivalId}/balance"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await demo.PutAsJsonAsync($"/api/v1/accounts/{rivalId}", new { name = "Hijacked", isActive = false, version = 1 }),
            HttpStatusCode.NotFound);

        var own = await ReadJsonAsync(await rival.GetAsync($"/api/v1/accounts/{rivalId}"));
        Assert.Equal("Test asset", own.GetProperty("name").GetString());
        Assert.True(own.GetProperty("isActive").GetBoolean());
    }

    [Fact]
    public async Task Balance_SumsPostedLinesOnly()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 100.25m, post: true));
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 0.10m, post: true));
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 999m, post: false)); // a draft does not count

        var balance = await BalanceAsync(client, debit);
        Assert.Equal(100.35m, balance.GetProperty("debit").GetDecimal());
        Assert.Equal(0m, balance.GetProperty("credit").GetDecimal());
        Assert.Equal(100.35m, balance.GetProperty("balance").GetDecimal());
        var other = await BalanceAsync(client, credit);
        Assert.Equal(100.35m, other.GetProperty("credit").GetDecimal());
        Assert.Equal(-100.35m, other.GetProperty("balance").GetDecimal());
    }
}

public sealed class AccountsSqliteTests(SqliteApiFactory api) : AccountsTests(api), IClassFixture<SqliteApiFactory>;

public sealed class AccountsPostgresTests(PostgresApiFactory api) : AccountsTests(api), IClassFixture<PostgresApiFactory>;
