using System.Diagnostics;
using System.Text.Json;
using Bulwark.Distributed.Tests.Authentication;

namespace Bulwark.Distributed.Tests.Data;

/// <summary>
/// Issue 7 on two real instances sharing PostgreSQL and Redis: B reuses a list's count, and an item created through A
/// shows in B's <c>totalCount</c> within 1 s (Redis pub/sub), well inside the 5 s lifetime that bounds a lost message.
/// </summary>
public sealed class ClusterListCountTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact, Trait("Category", "Distributed")]
    public async Task ItemCreatedOnA_IsCountedOnB_WithinOneSecond()
    {
        var token = await ClusterRevocationTests.LoginAsync(cluster.A, "127.0.34.1", "admin");
        var before = await TotalAsync(cluster.B, "127.0.34.2", token);
        Assert.Equal(before, await TotalAsync(cluster.B, "127.0.34.2", token));   // B has the count now (reused for 5 s)

        var sku = "CL-" + Guid.NewGuid().ToString("N")[..8];
        var created = await ClusterRevocationTests.SendAsync(cluster.A, "127.0.34.1", "POST", "/api/v1/items", token,
            $$"""{"sku":"{{sku}}","name":"Counted","unit":"pcs","unitCost":1}""");
        Assert.True(created.Status == 201, $"create got {created.Status}: {created.Body}");
        Assert.Equal(before + 1, await TotalAsync(cluster.A, "127.0.34.1", token));   // the writer at once

        var watch = Stopwatch.StartNew();
        int seen;
        do
        {
            seen = await TotalAsync(cluster.B, "127.0.34.2", token);
            if (seen == before + 1)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (watch.Elapsed < TimeSpan.FromSeconds(1));

        Assert.True(seen == before + 1, $"B still counted {seen} items {watch.ElapsedMilliseconds} ms after A created one (expected {before + 1})");
    }

    private static async Task<int> TotalAsync(ApiProcess api, string ip, string token)
    {
        var response = await ClusterRevocationTests.SendAsync(api, ip, "GET", "/api/v1/items?pageSize=1", token);
        Assert.True(response.Status == 200, $"list got {response.Status}: {response.Body}");
        return JsonDocument.Parse(response.Body).RootElement.GetProperty("totalCount").GetInt32();
    }
}
