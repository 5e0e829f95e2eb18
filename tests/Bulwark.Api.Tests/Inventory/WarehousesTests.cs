using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Api.Tests.Inventory;

/// <summary>Warehouses end to end, run on SQLite and on PostgreSQL.</summary>
public abstract class WarehousesTests(BulwarkApiFactory api)
{
    private static string NewCode() => "W-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task CreateGetUpdate_ValidWarehouse_RoundTrips()
    {
        using var client = await api.ClientForAsync("admin");
        var code = NewCode();
        using var created = await client.PostAsJsonAsync("/api/v1/warehouses",
            new { code, name = "North hall", address = "3 Quay Street\nPortside" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var warehouse = await ReadAsync(created);
        var id = warehouse.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/warehouses/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(code, warehouse.GetProperty("code").GetString());
        Assert.Equal("3 Quay Street\nPortside", warehouse.GetProperty("address").GetString());
        Assert.True(warehouse.GetProperty("isActive").GetBoolean());
        Assert.Equal(1, warehouse.GetProperty("version").GetInt32());

        using var updated = await client.PutAsJsonAsync($"/api/v1/warehouses/{id}",
            new { name = "North hall (closed)", address = (string?)null, isActive = false, version = 1 });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var stored = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/warehouses/{id}")).RootElement;
        Assert.Equal("North hall (closed)", stored.GetProperty("name").GetString());
        Assert.False(stored.TryGetProperty("address", out _)); // null members are omitted
        Assert.False(stored.GetProperty("isActive").GetBoolean());
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
        Assert.Equal(code, stored.GetProperty("code").GetString());
    }

    [Fact]
    public async Task List_FilteredAndSorted_ReturnsOwnTenantWarehousesOnly()
    {
        using var client = await api.ClientForAsync("admin");
        var code = NewCode();
        using var created = await client.PostAsJsonAsync("/api/v1/warehouses", new { code, name = "Inactive annex" });
        var id = (await ReadAsync(created)).GetProperty("id").GetString();
        using var deactivated = await client.PutAsJsonAsync($"/api/v1/warehouses/{id}", new { name = "Inactive annex", isActive = false, version = 1 });
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);

        var active = JsonDocument.Parse(await client.GetStringAsync("/api/v1/warehouses?active=true&sort=-code&pageSize=100")).RootElement;
        var codes = active.GetProperty("items").EnumerateArray().Select(w => w.GetProperty("code").GetString()!).ToList();
        Assert.Contains("DEMO-MAIN", codes);
        Assert.DoesNotContain(code, codes);
        Assert.All(codes, c => Assert.DoesNotContain("RIVAL", c, StringComparison.Ordinal));
        Assert.Equal(codes.OrderByDescending(c => c, StringComparer.Ordinal).ToList(), codes);

        var inactive = JsonDocument.Parse(await client.GetStringAsync("/api/v1/warehouses?active=false&pageSize=100")).RootElement;
        Assert.Contains(inactive.GetProperty("items").EnumerateArray(), w => w.GetProperty("code").GetString() == code);

        using var badSort = await client.GetAsync("/api/v1/warehouses?sort=address");
        await ProblemAssert.IsValidationProblemAsync(badSort, "sort", "enum");
        using var badFilter = await client.GetAsync("/api/v1/warehouses?city=x");
        await ProblemAssert.IsValidationProblemAsync(badFilter, "city", "unknownParameter");
    }

    [Fact]
    public async Task Create_DuplicateCode_Returns409()
    {
        using var client = await api.ClientForAsync("admin");
        var code = NewCode();
        using var first = await client.PostAsJsonAsync("/api/v1/warehouses", new { code, name = "First" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var second = await client.PostAsJsonAsync("/api/v1/warehouses", new { code, name = "Second" });
        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict);
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task Create_CodeUsedByOtherTenant_IsAllowed()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        var code = NewCode();
        using var theirs = await rival.PostAsJsonAsync("/api/v1/warehouses", new { code, name = "Theirs" });
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);

        using var demo = await api.ClientForAsync("admin");
        using var ours = await demo.PostAsJsonAsync("/api/v1/warehouses", new { code, name = "Ours" });
        Assert.Equal(HttpStatusCode.Created, ours.StatusCode);
    }

    [Theory, Trait("Control", "VAL-2")]
    [InlineData("code", "bad code!", "format")]
    [InlineData("code", "", "required")]
    [InlineData("name", "<b>x</b>", "plainText")]
    [InlineData("address", "<script>x</script>", "plainText")]
    public async Task Create_InvalidField_Returns400NamingTheField(string field, string value, string constraint)
    {
        using var client = await api.ClientForAsync("admin");
        var body = new Dictionary<string, object?> { ["code"] = NewCode(), ["name"] = "Valid name", ["address"] = "Line 1\nLine 2" };
        using var valid = await client.PostAsJsonAsync("/api/v1/warehouses", body);
        Assert.Equal(HttpStatusCode.Created, valid.StatusCode);

        body["code"] = NewCode();
        body[field] = value;
        using var response = await client.PostAsJsonAsync("/api/v1/warehouses", body);
        await ProblemAssert.IsValidationProblemAsync(response, field, constraint);
    }

    [Fact, Trait("Control", "VAL-2")]
    public async Task Create_OverlongFields_Returns400()
    {
        using var client = await api.ClientForAsync("admin");
        using var code = await client.PostAsJsonAsync("/api/v1/warehouses", new { code = new string('C', 33), name = "x" });
        await ProblemAssert.IsValidationProblemAsync(code, "code", "maxLength");
        using var address = await client.PostAsJsonAsync("/api/v1/warehouses", new { code = NewCode(), name = "x", address = new string('a', 501) });
        await ProblemAssert.IsValidationProblemAsync(address, "address", "maxLength");
        using var fits = await client.PostAsJsonAsync("/api/v1/warehouses", new { code = NewCode()[..10] + new string('C', 22), name = "x", address = new string('a', 500) });
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
    }

    [Fact, Trait("Control", "VAL-3")]
    public async Task Create_ServerOwnedField_Returns400()
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.PostAsJsonAsync("/api/v1/warehouses",
            new { code = NewCode(), name = "Sneaky", tenantId = Guid.NewGuid() });
        await ProblemAssert.IsValidationProblemAsync(response, "tenantId");
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Update_WithStaleVersion_Returns409AndKeepsTheWinner()
    {
        using var client = await api.ClientForAsync("admin");
        using var created = await client.PostAsJsonAsync("/api/v1/warehouses", new { code = NewCode(), name = "Original" });
        var id = (await ReadAsync(created)).GetProperty("id").GetString();

        using var first = await client.PutAsJsonAsync($"/api/v1/warehouses/{id}", new { name = "First", isActive = true, version = 1 });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var stale = await client.PutAsJsonAsync($"/api/v1/warehouses/{id}", new { name = "Stale", isActive = true, version = 1 });
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Conflict);

        var stored = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/warehouses/{id}")).RootElement;
        Assert.Equal("First", stored.GetProperty("name").GetString());
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task GetAndUpdate_OtherTenantsWarehouse_Return404()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        using var created = await rival.PostAsJsonAsync("/api/v1/warehouses", new { code = NewCode(), name = "Rival store" });
        var rivalId = (await ReadAsync(created)).GetProperty("id").GetString();

        using var demo = await api.ClientForAsync("admin");
        using var get = await demo.GetAsync($"/api/v1/warehouses/{rivalId}");
        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound);
        using var put = await demo.PutAsJsonAsync($"/api/v1/warehouses/{rivalId}", new { name = "Hijacked", isActive = false, version = 1 });
        await ProblemAssert.IsProblemAsync(put, HttpStatusCode.NotFound);

        var own = JsonDocument.Parse(await rival.GetStringAsync($"/api/v1/warehouses/{rivalId}")).RootElement;
        Assert.Equal("Rival store", own.GetProperty("name").GetString());
        Assert.Equal(1, own.GetProperty("version").GetInt32());
    }
}

public sealed class WarehousesSqliteTests(SqliteApiFactory api) : WarehousesTests(api), IClassFixture<SqliteApiFactory>;

public sealed class WarehousesPostgresTests(PostgresApiFactory api) : WarehousesTests(api), IClassFixture<PostgresApiFactory>;
