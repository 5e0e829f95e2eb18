using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Api.Tests.Inventory;

/// <summary>Items end to end, run on SQLite and on PostgreSQL.</summary>
public abstract class ItemsTests(BulwarkApiFactory api)
{
    [Fact]
    public async Task List_AsDemoAdmin_ReturnsOwnTenantItemsOnly()
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.GetAsync("/api/v1/items?pageSize=100");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var skus = json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sku").GetString()!).ToList();
        Assert.NotEmpty(skus);
        Assert.All(skus, s => Assert.DoesNotContain("RIVAL", s, StringComparison.Ordinal));
        Assert.Equal(1, json.GetProperty("page").GetInt32());
        Assert.Equal(100, json.GetProperty("pageSize").GetInt32());
        Assert.True(json.GetProperty("totalCount").GetInt32() >= skus.Count);
    }

    [Fact, Trait("Control", "VAL-6")]
    public async Task List_EverySortDirectionAndActiveFilter_PagesThroughTheTenantsItemsInOrder()
    {
        // Issue 7: the page is a compiled query per sort, direction and filter; each one is checked here.
        using var client = await api.ClientForAsync("admin");
        var sku = "SORT-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using var created = await client.PostAsJsonAsync("/api/v1/items", new { sku, name = "Sorted " + sku, unit = "pcs", unitCost = 7.25m });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        using var deactivated = await client.PutAsJsonAsync($"/api/v1/items/{id}",
            new { name = "Sorted " + sku, unit = "pcs", unitCost = 7.25m, isActive = false, version = 1 });
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);

        foreach (var active in new bool?[] { null, true, false })
        {
            var filter = active is { } value ? $"&active={(value ? "true" : "false")}" : "";
            foreach (var sort in new[] { "sku", "name", "unitCost", "createdAt" })
            {
                var ascending = await ItemsAsync(client, $"sort={sort}&pageSize=100{filter}");
                var descending = await ItemsAsync(client, $"sort=-{sort}&pageSize=100{filter}");
                Assert.NotEmpty(ascending);
                Assert.Equal(Ids(ascending).Order(), Ids(descending).Order());
                Assert.Equal(active != true, ascending.Any(i => i.GetProperty("sku").GetString() == sku));
                if (active is { } only)
                {
                    Assert.All(ascending, i => Assert.Equal(only, i.GetProperty("isActive").GetBoolean()));
                }

                if (sort is "unitCost" or "createdAt")
                {
                    var keys = ascending.Select(i => sort == "unitCost" ? i.GetProperty(sort).GetDecimal() : i.GetProperty(sort).GetDateTimeOffset().UtcTicks).ToList();
                    Assert.Equal(keys.Order(), keys);
                }

                var texts = ascending.Select(i => i.GetProperty(sort).ToString()).ToList();
                if (texts.Distinct().Count() == texts.Count)
                {
                    Assert.Equal(Ids(ascending).Reverse(), Ids(descending));   // unique keys: descending is the exact reverse
                }

                // Skip and take are parameters of the compiled query: page 2 of 3 is the same slice.
                var second = await ItemsAsync(client, $"sort={sort}&page=2&pageSize=3{filter}");
                Assert.Equal(Ids(ascending).Skip(3).Take(3), Ids(second));
            }
        }
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task Get_OtherTenantsItem_Returns404()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        var rivalItems = JsonDocument.Parse(await rival.GetStringAsync("/api/v1/items")).RootElement;
        var rivalId = rivalItems.GetProperty("items")[0].GetProperty("id").GetString();

        using var demo = await api.ClientForAsync("admin");
        using var response = await demo.GetAsync($"/api/v1/items/{rivalId}");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);

        using var own = await rival.GetAsync($"/api/v1/items/{rivalId}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact, Trait("Control", "VAL-4")]
    public async Task Create_RichDescription_IsSanitizedAndPlainNameRejectsHtml()
    {
        using var client = await api.ClientForAsync("admin");
        var sku = "T-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await client.PostAsJsonAsync("/api/v1/items", new
        {
            sku, name = "Widget", unit = "pcs", unitCost = 9.99m,
            description = "<p onclick=\"steal()\">Fine <strong>steel</strong><script>alert(1)</script></p>",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("<p>Fine <strong>steel</strong></p>", item.GetProperty("description").GetString());
        Assert.Equal(9.99m, item.GetProperty("unitCost").GetDecimal());

        using var html = await client.PostAsJsonAsync("/api/v1/items", new { sku = sku + "X", name = "<b>x</b>", unit = "pcs", unitCost = 1 });
        await ProblemAssert.IsValidationProblemAsync(html, "name", "plainText");
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Update_WithStaleVersion_Returns409AndKeepsTheWinner()
    {
        using var client = await api.ClientForAsync("admin");
        var sku = "C-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await client.PostAsJsonAsync("/api/v1/items", new { sku, name = "Original", unit = "pcs", unitCost = 1 });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        var first = client.PutAsJsonAsync($"/api/v1/items/{id}", new { name = "First", unit = "pcs", unitCost = 2, isActive = true, version = 1 });
        var second = client.PutAsJsonAsync($"/api/v1/items/{id}", new { name = "Second", unit = "pcs", unitCost = 3, isActive = true, version = 1 });
        var responses = await Task.WhenAll(first, second);
        var statuses = responses.Select(r => r.StatusCode).OrderBy(s => s).ToArray();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses);
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.OK);
        var winnerName = JsonDocument.Parse(await winner.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString();
        await ProblemAssert.IsProblemAsync(responses.Single(r => r.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);

        var stored = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/items/{id}")).RootElement;
        Assert.Equal(winnerName, stored.GetProperty("name").GetString());
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
    }

    private static IEnumerable<string?> Ids(List<JsonElement> items) => items.Select(i => i.GetProperty("id").GetString());

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync("/api/v1/items?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(json.GetProperty("totalCount").GetInt32() <= 100);
        return [.. json.GetProperty("items").EnumerateArray().Select(i => i.Clone())];
    }
}

public sealed class ItemsSqliteTests(SqliteApiFactory api) : ItemsTests(api), IClassFixture<SqliteApiFactory>;

public sealed class ItemsPostgresTests(PostgresApiFactory api) : ItemsTests(api), IClassFixture<PostgresApiFactory>;
