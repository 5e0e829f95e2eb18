using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Erp.Audit;
using Bulwark.Erp.Data;
using Bulwark.Erp.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Audit;

/// <summary>
/// LOG-3 on PostgreSQL: audit events are appended to the chain at commit, so the chain lock no longer
/// serializes whole write transactions, concurrent writes that take row locks cannot deadlock on it,
/// and the chain still verifies (commit order = chain order).
/// </summary>
public sealed class AuditConcurrencyPostgresTests(PostgresApiFactory api) : IClassFixture<PostgresApiFactory>
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static async Task<string> PostIdAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private async Task AssertChainValidAsync()
    {
        using var scope = api.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None);
        Assert.True(result.IsValid, $"chain broken at {result.BrokenSequence}: {result.Reason}");
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task OpenWriteTransaction_DoesNotBlockOtherAuditedWrites_AndCommitOrderIsChainOrder()
    {
        var demo = await AuditQueries.TenantIdAsync(api, "demo");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var saved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowSku = "SLOW-" + Unique();
        var slow = Task.Run(async () =>
        {
            await using var scope = api.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
            return await scope.ServiceProvider.GetRequiredService<UnitOfWork>().RunAsync(async ct =>
            {
                if (api.Provider == TestProvider.Postgres)
                {
                    // AZ-4: outside a request no tenant is set on the connection; act for demo as a request would.
                    await db.Database.ExecuteSqlAsync($"SELECT set_config('bulwark.tenant_id', {demo.ToString()}, true)", ct);
                }

                var item = new Item { TenantId = demo, Sku = slowSku, Name = "Held open", Unit = "pcs", UnitCostCents = 1 };
                db.Items.Add(item);
                await db.SaveChangesAsync(ct);   // its audit event is described and pending
                saved.SetResult();
                await release.Task;              // the transaction stays open meanwhile
                return item.Id;
            }, CancellationToken.None);
        });
        await saved.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Before the fix every unit took the chain lock first: this create waited for the open one.
        using var admin = await api.ClientForAsync("admin");
        var fastId = await PostIdAsync(admin, "/api/v1/items", new { sku = "FAST-" + Unique(), name = "Not blocked", unit = "pcs", unitCost = 1 })
            .WaitAsync(TimeSpan.FromSeconds(10));

        release.SetResult();
        var slowId = await slow.WaitAsync(TimeSpan.FromSeconds(30));
        var fast = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Resource == "Item/" + fastId));
        var held = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Resource == "Item/" + slowId));
        Assert.True(held.Sequence > fast.Sequence, "the event of the later commit must come later in the chain");
        await AssertChainValidAsync();
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task ConcurrentStockMovementsAndItemCreates_NeverDeadlock_AndTheChainVerifies()
    {
        using var client = await api.ClientForAsync("admin");
        var item = await PostIdAsync(client, "/api/v1/items", new { sku = "CC-" + Unique(), name = "Contended", unit = "pcs", unitCost = 1 });
        var warehouses = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            warehouses.Add(await PostIdAsync(client, "/api/v1/warehouses", new { code = "CW-" + Unique(), name = "Contended " + i }));
        }

        await PostIdAsync(client, "/api/v1/stock-movements", new { type = "receipt", itemId = item, quantity = 1000, toWarehouseId = warehouses[0] });

        // Transfers both ways between all warehouses (two level-row locks each, first movements into an
        // empty warehouse insert its level row mid-transaction), receipts, issues and item creates at once.
        var requests = new List<(bool MayConflict, Func<Task<HttpStatusCode>> Send)>();
        for (var i = 0; i < 12; i++)
        {
            var from = warehouses[i % 3];
            var to = warehouses[(i + 1 + (i / 3 % 2)) % 3];
            requests.Add((true, () => SendAsync(client, "/api/v1/stock-movements", new { type = "transfer", itemId = item, quantity = 5, fromWarehouseId = from, toWarehouseId = to })));
            requests.Add((false, () => SendAsync(client, "/api/v1/stock-movements", new { type = "receipt", itemId = item, quantity = 3, toWarehouseId = to })));
            requests.Add((true, () => SendAsync(client, "/api/v1/stock-movements", new { type = "issue", itemId = item, quantity = 1, fromWarehouseId = from })));
            var sku = "CI-" + Unique();
            requests.Add((false, () => SendAsync(client, "/api/v1/items", new { sku, name = "Concurrent", unit = "pcs", unitCost = 1 })));
        }

        var statuses = await Task.WhenAll(requests.Select(r => Task.Run(r.Send))).WaitAsync(TimeSpan.FromSeconds(120));
        // Receipts and creates always succeed; a transfer or issue may find too little stock at that moment
        // (409). A deadlock or a chain fork would be a 500.
        for (var i = 0; i < statuses.Length; i++)
        {
            var allowed = requests[i].MayConflict ? new[] { HttpStatusCode.Created, HttpStatusCode.Conflict } : [HttpStatusCode.Created];
            Assert.True(allowed.Contains(statuses[i]), $"request {i}: unexpected {(int)statuses[i]}");
        }

        Assert.Contains(HttpStatusCode.Created, statuses.Where((_, i) => requests[i].MayConflict));

        await AssertChainValidAsync();
        var itemId = Guid.Parse(item);
        var movements = await AuditQueries.WithDbAsync(api, db => db.StockMovements.IgnoreQueryFilters().Where(m => m.ItemId == itemId).Select(m => m.Id).ToListAsync());
        var levels = await AuditQueries.WithDbAsync(api, db => db.StockLevels.IgnoreQueryFilters().Where(l => l.ItemId == itemId).Select(l => l.Id).ToListAsync());
        var audited = await AuditQueries.WithDbAsync(api, db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Action == "create" && (e.Resource!.StartsWith("StockMovement/") || e.Resource!.StartsWith("StockLevel/")))
            .Select(e => e.Resource!).ToListAsync());
        // Every committed movement and level row has exactly one create event; a losing level insert
        // (rolled back to its savepoint) left none.
        Assert.All(movements, m => Assert.Single(audited, r => r == "StockMovement/" + m));
        Assert.All(levels, l => Assert.Single(audited, r => r == "StockLevel/" + l));
        Assert.Equal(3, levels.Count);
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        return response.StatusCode;
    }
}
