using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Api.Tests.Inventory;

/// <summary>Stock movements and levels end to end, run on SQLite and on PostgreSQL.</summary>
public abstract class StockMovementsTests(BulwarkApiFactory api)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string NewCode(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string> CreateWarehouseAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/warehouses", new { code = NewCode("SW"), name = "Stock test" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("id").GetString()!;
    }

    private static async Task<string> CreateItemAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/items", new { sku = NewCode("SI"), name = "Stock item", unit = "pcs", unitCost = 1 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> MoveAsync(HttpClient client, string type, string itemId, long quantity,
        string? from = null, string? to = null, string? reference = null) =>
        client.PostAsJsonAsync("/api/v1/stock-movements", new
        {
            type, itemId, quantity, fromWarehouseId = from, toWarehouseId = to, reference,
        });

    private static async Task MoveOkAsync(HttpClient client, string type, string itemId, long quantity, string? from = null, string? to = null)
    {
        using var response = await MoveAsync(client, type, itemId, quantity, from, to);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{type} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The level of an item in a warehouse, or null when no level row exists.</summary>
    private static async Task<long?> LevelAsync(HttpClient client, string itemId, string warehouseId)
    {
        var page = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/stock-levels?itemId={itemId}&warehouseId={warehouseId}")).RootElement;
        var items = page.GetProperty("items");
        Assert.InRange(items.GetArrayLength(), 0, 1);
        return items.GetArrayLength() == 0 ? null : items[0].GetProperty("quantity").GetInt64();
    }

    private static async Task<int> MovementCountAsync(HttpClient client, string query)
    {
        var page = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/stock-movements?{query}")).RootElement;
        return page.GetProperty("totalCount").GetInt32();
    }

    [Fact]
    public async Task Receipt_ThenIssue_ReducesTheLevel()
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        var warehouse = await CreateWarehouseAsync(client);
        Assert.Null(await LevelAsync(client, item, warehouse));

        using var receipt = await MoveAsync(client, "receipt", item, 10, to: warehouse, reference: "PO-42");
        Assert.Equal(HttpStatusCode.Created, receipt.StatusCode);
        var movement = await ReadAsync(receipt);
        var id = movement.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/stock-movements/{id}", receipt.Headers.Location?.OriginalString);
        Assert.Equal("receipt", movement.GetProperty("type").GetString());
        Assert.Equal(10, movement.GetProperty("quantity").GetInt64());
        Assert.False(movement.TryGetProperty("fromWarehouseId", out _)); // null members are omitted
        Assert.Equal(warehouse, movement.GetProperty("toWarehouseId").GetString());
        Assert.Equal("PO-42", movement.GetProperty("reference").GetString());
        Assert.True(Guid.TryParse(movement.GetProperty("createdBy").GetString(), out _));
        Assert.Equal(10, await LevelAsync(client, item, warehouse));

        await MoveOkAsync(client, "issue", item, 3, from: warehouse);
        Assert.Equal(7, await LevelAsync(client, item, warehouse));

        var stored = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/stock-movements/{id}")).RootElement;
        Assert.Equal("receipt", stored.GetProperty("type").GetString());
        Assert.Equal(movement.GetProperty("createdBy").GetString(), stored.GetProperty("createdBy").GetString());
        Assert.Equal(2, await MovementCountAsync(client, $"itemId={item}"));
        Assert.Equal(1, await MovementCountAsync(client, $"itemId={item}&type=issue"));
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Issue_MoreThanInStock_Returns409AndLeavesTheLevelUnchanged()
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        var warehouse = await CreateWarehouseAsync(client);
        await MoveOkAsync(client, "receipt", item, 5, to: warehouse);

        using var tooMuch = await MoveAsync(client, "issue", item, 6, from: warehouse);
        await ProblemAssert.IsProblemAsync(tooMuch, HttpStatusCode.Conflict);
        Assert.Equal(5, await LevelAsync(client, item, warehouse));
        Assert.Equal(0, await MovementCountAsync(client, $"itemId={item}&type=issue"));

        // Nothing to issue at all: no level row is no stock.
        var empty = await CreateWarehouseAsync(client);
        using var fromEmpty = await MoveAsync(client, "issue", item, 1, from: empty);
        await ProblemAssert.IsProblemAsync(fromEmpty, HttpStatusCode.Conflict);
        Assert.Null(await LevelAsync(client, item, empty));

        // Exactly what is there can be issued.
        await MoveOkAsync(client, "issue", item, 5, from: warehouse);
        Assert.Equal(0, await LevelAsync(client, item, warehouse));
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Transfer_MovesQuantityBetweenWarehousesAtomically()
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        // Destinations created before and after the source, so both orders of the two level changes run.
        var before = await CreateWarehouseAsync(client);
        var source = await CreateWarehouseAsync(client);
        var after = await CreateWarehouseAsync(client);
        await MoveOkAsync(client, "receipt", item, 10, to: source);

        await MoveOkAsync(client, "transfer", item, 4, from: source, to: after);
        Assert.Equal(6, await LevelAsync(client, item, source));
        Assert.Equal(4, await LevelAsync(client, item, after));

        // A failing transfer leaves neither side changed — not even a new, empty level row.
        foreach (var destination in new[] { before, after })
        {
            using var tooMuch = await MoveAsync(client, "transfer", item, 7, from: source, to: destination);
            await ProblemAssert.IsProblemAsync(tooMuch, HttpStatusCode.Conflict);
        }

        Assert.Equal(6, await LevelAsync(client, item, source));
        Assert.Equal(4, await LevelAsync(client, item, after));
        Assert.Null(await LevelAsync(client, item, before));
        Assert.Equal(1, await MovementCountAsync(client, $"itemId={item}&type=transfer"));

        // The warehouse filter matches either end of a movement.
        Assert.Equal(1, await MovementCountAsync(client, $"itemId={item}&warehouseId={after}"));
        Assert.Equal(2, await MovementCountAsync(client, $"itemId={item}&warehouseId={source}"));
        Assert.Equal(0, await MovementCountAsync(client, $"itemId={item}&warehouseId={before}"));
    }

    [Fact]
    public async Task Adjustment_ToIncreasesAndFromDecreases_NeverBelowZero()
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        var warehouse = await CreateWarehouseAsync(client);

        await MoveOkAsync(client, "adjustment", item, 8, to: warehouse);
        Assert.Equal(8, await LevelAsync(client, item, warehouse));
        await MoveOkAsync(client, "adjustment", item, 3, from: warehouse);
        Assert.Equal(5, await LevelAsync(client, item, warehouse));

        using var belowZero = await MoveAsync(client, "adjustment", item, 6, from: warehouse);
        await ProblemAssert.IsProblemAsync(belowZero, HttpStatusCode.Conflict);
        Assert.Equal(5, await LevelAsync(client, item, warehouse));
    }

    [Theory, Trait("Control", "VAL-2")]
    [InlineData("receipt", "A", "B", "fromWarehouseId", "forbidden")]
    [InlineData("receipt", null, null, "toWarehouseId", "required")]
    [InlineData("issue", "A", "B", "toWarehouseId", "forbidden")]
    [InlineData("issue", null, "B", "fromWarehouseId", "required")]
    [InlineData("transfer", "A", null, "toWarehouseId", "required")]
    [InlineData("transfer", null, "B", "fromWarehouseId", "required")]
    [InlineData("transfer", "A", "A", "toWarehouseId", "different")]
    [InlineData("adjustment", "A", "B", "fromWarehouseId", "forbidden")]
    [InlineData("adjustment", null, null, "toWarehouseId", "required")]
    public async Task Create_WrongWarehouseCombination_Returns400NamingTheField(
        string type, string? from, string? to, string field, string constraint)
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        var ids = new Dictionary<string, string> { ["A"] = await CreateWarehouseAsync(client), ["B"] = await CreateWarehouseAsync(client) };
        await MoveOkAsync(client, "receipt", item, 100, to: ids["A"]);

        using var response = await MoveAsync(client, type, item, 1, from is null ? null : ids[from], to is null ? null : ids[to]);
        await ProblemAssert.IsValidationProblemAsync(response, field, constraint);
        Assert.Equal(100, await LevelAsync(client, item, ids["A"]));

        // The right combination for the same type is served.
        var (goodFrom, goodTo) = type switch
        {
            "receipt" => (null, ids["B"]),
            "issue" => (ids["A"], null),
            "transfer" => (ids["A"], ids["B"]),
            _ => ((string?)ids["A"], (string?)null),
        };
        await MoveOkAsync(client, type, item, 1, goodFrom, goodTo);
    }

    [Theory, Trait("Control", "VAL-2")]
    [InlineData("quantity", 0, "range")]
    [InlineData("quantity", 1_000_000_001, "range")]
    [InlineData("quantity", -5, "range")]
    public async Task Create_QuantityOutOfRange_Returns400(string field, long quantity, string constraint)
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        var warehouse = await CreateWarehouseAsync(client);
        using var response = await MoveAsync(client, "receipt", item, quantity, to: warehouse);
        await ProblemAssert.IsValidationProblemAsync(response, field, constraint);
        Assert.Null(await LevelAsync(client, item, warehouse));

        await MoveOkAsync(client, "receipt", item, 1_000_000_000, to: warehouse);
        Assert.Equal(1_000_000_000, await LevelAsync(client, item, warehouse));
    }

    [Fact, Trait("Control", "VAL-1")]
    public async Task Create_MalformedFields_Return400NamingTheField()
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        var warehouse = await CreateWarehouseAsync(client);

        using var fraction = await client.PostAsJsonAsync("/api/v1/stock-movements", new { type = "receipt", itemId = item, quantity = 1.5, toWarehouseId = warehouse });
        await ProblemAssert.IsValidationProblemAsync(fraction, "quantity");
        using var unknownType = await MoveAsync(client, "gift", item, 1, to: warehouse);
        await ProblemAssert.IsValidationProblemAsync(unknownType, "type", "enum");
        using var html = await MoveAsync(client, "receipt", item, 1, to: warehouse, reference: "<img src=x>");
        await ProblemAssert.IsValidationProblemAsync(html, "reference", "plainText");
        using var missingItem = await client.PostAsJsonAsync("/api/v1/stock-movements", new { type = "receipt", quantity = 1, toWarehouseId = warehouse });
        await ProblemAssert.IsValidationProblemAsync(missingItem, "itemId", "required");
        using var author = await client.PostAsJsonAsync("/api/v1/stock-movements", new { type = "receipt", itemId = item, quantity = 1, toWarehouseId = warehouse, createdBy = Guid.NewGuid() });
        await ProblemAssert.IsValidationProblemAsync(author, "createdBy");
        Assert.Null(await LevelAsync(client, item, warehouse));

        using var badFilter = await client.GetAsync("/api/v1/stock-movements?type=gift");
        await ProblemAssert.IsValidationProblemAsync(badFilter, "type", "enum");
        using var badId = await client.GetAsync("/api/v1/stock-levels?itemId=not-a-guid");
        await ProblemAssert.IsValidationProblemAsync(badId, "itemId");
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task Create_OtherTenantsItemOrWarehouse_Returns422NamingTheField()
    {
        using var rival = await api.ClientForAsync("inventory", "rival");
        var rivalItem = await CreateItemAsync(rival);
        var rivalWarehouse = await CreateWarehouseAsync(rival);
        await MoveOkAsync(rival, "receipt", rivalItem, 50, to: rivalWarehouse);

        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        var warehouse = await CreateWarehouseAsync(client);
        await MoveOkAsync(client, "receipt", item, 50, to: warehouse);

        using var theirWarehouseTo = await MoveAsync(client, "transfer", item, 5, from: warehouse, to: rivalWarehouse);
        var problem = await ProblemAssert.IsProblemAsync(theirWarehouseTo, HttpStatusCode.UnprocessableEntity);
        ProblemAssert.NamesField(problem, "toWarehouseId");

        using var theirWarehouseFrom = await MoveAsync(client, "issue", item, 5, from: rivalWarehouse);
        problem = await ProblemAssert.IsProblemAsync(theirWarehouseFrom, HttpStatusCode.UnprocessableEntity);
        ProblemAssert.NamesField(problem, "fromWarehouseId");

        using var theirItem = await MoveAsync(client, "issue", rivalItem, 5, from: warehouse);
        problem = await ProblemAssert.IsProblemAsync(theirItem, HttpStatusCode.UnprocessableEntity);
        ProblemAssert.NamesField(problem, "itemId");

        // Nothing moved on either side.
        Assert.Equal(50, await LevelAsync(client, item, warehouse));
        Assert.Equal(50, await LevelAsync(rival, rivalItem, rivalWarehouse));
        Assert.Equal(1, await MovementCountAsync(client, $"itemId={item}"));
        Assert.Equal(1, await MovementCountAsync(rival, $"itemId={rivalItem}"));
        // Their levels are invisible through our filters.
        Assert.Null(await LevelAsync(client, rivalItem, rivalWarehouse));
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task Get_OtherTenantsMovementOrWarehouse_Returns404()
    {
        using var rival = await api.ClientForAsync("inventory", "rival");
        var rivalItem = await CreateItemAsync(rival);
        var rivalWarehouse = await CreateWarehouseAsync(rival);
        using var created = await MoveAsync(rival, "receipt", rivalItem, 3, to: rivalWarehouse);
        var rivalMovement = (await ReadAsync(created)).GetProperty("id").GetString();

        using var client = await api.ClientForAsync("inventory");
        using var movement = await client.GetAsync($"/api/v1/stock-movements/{rivalMovement}");
        await ProblemAssert.IsProblemAsync(movement, HttpStatusCode.NotFound);
        using var warehouse = await client.GetAsync($"/api/v1/warehouses/{rivalWarehouse}");
        await ProblemAssert.IsProblemAsync(warehouse, HttpStatusCode.NotFound);
        Assert.Equal(0, await MovementCountAsync(client, $"itemId={rivalItem}"));

        using var own = await rival.GetAsync($"/api/v1/stock-movements/{rivalMovement}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Create_InactiveWarehouseOrItem_Returns422()
    {
        using var client = await api.ClientForAsync("admin");
        var item = await CreateItemAsync(client);
        var warehouse = await CreateWarehouseAsync(client);
        await MoveOkAsync(client, "receipt", item, 5, to: warehouse);

        using var closed = await client.PutAsJsonAsync($"/api/v1/warehouses/{warehouse}", new { name = "Closed", isActive = false, version = 1 });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        using var intoClosed = await MoveAsync(client, "receipt", item, 5, to: warehouse);
        var problem = await ProblemAssert.IsProblemAsync(intoClosed, HttpStatusCode.UnprocessableEntity);
        ProblemAssert.NamesField(problem, "toWarehouseId");
        Assert.Equal(5, await LevelAsync(client, item, warehouse));

        var other = await CreateWarehouseAsync(client);
        using var retired = await client.PutAsJsonAsync($"/api/v1/items/{item}", new { name = "Retired", unit = "pcs", unitCost = 1, isActive = false, version = 1 });
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        using var retiredItem = await MoveAsync(client, "receipt", item, 5, to: other);
        problem = await ProblemAssert.IsProblemAsync(retiredItem, HttpStatusCode.UnprocessableEntity);
        ProblemAssert.NamesField(problem, "itemId");
        Assert.Null(await LevelAsync(client, item, other));
    }

    [Fact]
    public async Task Seed_LevelsMatchTheSeededMovements()
    {
        using var client = await api.ClientForAsync("inventory");
        var warehouses = JsonDocument.Parse(await client.GetStringAsync("/api/v1/warehouses?pageSize=100")).RootElement
            .GetProperty("items").EnumerateArray()
            .Where(w => w.GetProperty("code").GetString()!.StartsWith("DEMO-", StringComparison.Ordinal))
            .Select(w => w.GetProperty("id").GetString()!)
            .ToHashSet();
        Assert.Equal(2, warehouses.Count);
        var items = JsonDocument.Parse(await client.GetStringAsync("/api/v1/items?sku=DEMO-001")).RootElement.GetProperty("items");
        var item = items[0].GetProperty("id").GetString()!;
        var movements = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/stock-movements?itemId={item}&pageSize=100")).RootElement
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(movements, m => m.GetProperty("type").GetString() == "receipt");
        Assert.Contains(movements, m => m.GetProperty("type").GetString() == "issue");

        foreach (var warehouse in warehouses)
        {
            var expected = movements.Sum(m =>
                (Names(m, "toWarehouseId", warehouse) ? m.GetProperty("quantity").GetInt64() : 0)
                - (Names(m, "fromWarehouseId", warehouse) ? m.GetProperty("quantity").GetInt64() : 0));
            Assert.Equal(expected, await LevelAsync(client, item, warehouse) ?? 0);
        }
    }

    private static bool Names(JsonElement movement, string property, string warehouse) =>
        movement.TryGetProperty(property, out var value) && value.GetString() == warehouse;

    [Fact, Trait("Control", "DATA-6")]
    public async Task Issue_TwentyConcurrentIssuesOfTenUnits_ExactlyTenSucceedAndTheLevelEndsAtZero()
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        var warehouse = await CreateWarehouseAsync(client);
        await MoveOkAsync(client, "receipt", item, 10, to: warehouse);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => MoveAsync(client, "issue", item, 1, from: warehouse)))
            .WaitAsync(Timeout);
        try
        {
            var statuses = responses.Select(r => r.StatusCode).ToList();
            Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Created));
            Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Conflict));
            foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            {
                await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict);
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        Assert.Equal(0, await LevelAsync(client, item, warehouse));
        Assert.Equal(10, await MovementCountAsync(client, $"itemId={item}&type=issue"));
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Receipt_FiftyConcurrentReceipts_AllSucceedAndNoneIsLost()
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        // A fresh warehouse: no level row yet, so the first receipts race to create it.
        var warehouse = await CreateWarehouseAsync(client);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => MoveAsync(client, "receipt", item, 1, to: warehouse)))
            .WaitAsync(Timeout);
        try
        {
            foreach (var response in responses)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Created,
                    $"receipt failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        Assert.Equal(50, await LevelAsync(client, item, warehouse));
        Assert.Equal(50, await MovementCountAsync(client, $"itemId={item}&type=receipt"));
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Transfer_ConcurrentOppositeTransfers_AllSucceedAndTheTotalIsKept()
    {
        using var client = await api.ClientForAsync("inventory");
        var item = await CreateItemAsync(client);
        var east = await CreateWarehouseAsync(client);
        var west = await CreateWarehouseAsync(client);
        await MoveOkAsync(client, "receipt", item, 100, to: east);
        await MoveOkAsync(client, "receipt", item, 100, to: west);

        // Both directions at once lock the same two rows; a fixed lock order means no deadlock (no 5xx).
        var requests = Enumerable.Range(0, 40)
            .Select(i => i % 2 == 0
                ? MoveAsync(client, "transfer", item, 1, from: east, to: west)
                : MoveAsync(client, "transfer", item, 2, from: west, to: east));
        var responses = await Task.WhenAll(requests).WaitAsync(Timeout);
        try
        {
            foreach (var response in responses)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Created,
                    $"transfer failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        // 20 × 1 east→west and 20 × 2 west→east: east gains 20, west loses 20.
        Assert.Equal(120, await LevelAsync(client, item, east));
        Assert.Equal(80, await LevelAsync(client, item, west));
        Assert.Equal(40, await MovementCountAsync(client, $"itemId={item}&type=transfer"));
    }
}

public sealed class StockMovementsSqliteTests(SqliteApiFactory api) : StockMovementsTests(api), IClassFixture<SqliteApiFactory>;

public sealed class StockMovementsPostgresTests(PostgresApiFactory api) : StockMovementsTests(api), IClassFixture<PostgresApiFactory>;
