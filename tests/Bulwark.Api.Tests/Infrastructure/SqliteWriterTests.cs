using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Api.Tests.Infrastructure;

/// <summary>
/// The SQLite single-writer path (DESIGN.md, performance budget): a burst of concurrent writes on a real
/// instance queues instead of failing with "database is locked", and every write lands.
/// </summary>
public sealed class SqliteWriterTests(ApiProcessFixture instance) : IClassFixture<ApiProcessFixture>
{
    private const int Writers = 50;

    [Fact, Trait("Control", "DATA-6")]
    public async Task ConcurrentCreates_AllSucceedAndAllAreListed()
    {
        using var client = await instance.ClientForAsync("admin");
        var prefix = "W" + Guid.NewGuid().ToString("N")[..6] + "-";
        var skus = Enumerable.Range(0, Writers).Select(i => prefix + i).ToList();

        using var start = new SemaphoreSlim(0, Writers);
        var writes = skus.Select(async sku =>
        {
            await start.WaitAsync();
            using var response = await client.PostAsJsonAsync("/api/v1/items", new { sku, name = "Concurrent " + sku, unit = "pcs", unitCost = 1.25m });
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(Writers); // all at once
        var results = await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.True(r.StatusCode == HttpStatusCode.Created, $"{(int)r.StatusCode}: {r.Body}"));
        Assert.DoesNotContain(instance.Api.OutputLines, l => l.Contains("database is locked", StringComparison.OrdinalIgnoreCase));

        var listed = JsonDocument.Parse(await client.GetStringAsync("/api/v1/items?pageSize=100&sort=sku")).RootElement
            .GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("sku").GetString()!)
            .Where(s => s.StartsWith(prefix, StringComparison.Ordinal))
            .ToHashSet();
        Assert.Equal(skus.ToHashSet(), listed);
    }
}
