using System.Collections.Concurrent;
using System.Diagnostics;
using Bulwark.Erp.Authorization;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bulwark.Api.Tests.Authorization;

/// <summary>
/// AZ-4 on PostgreSQL, issue 7: the row-level security tenant setting travels with a connection's first query instead
/// of in a round trip of its own (TenantSessionInterceptor), and is never missing when a command runs: not after a
/// failed batch (which undoes it), not after a rollback, not for a tenant a credential flow enters on an open connection.
/// Counts are read through <c>IgnoreQueryFilters</c>, so only the policy (the setting) decides what a query sees.
/// </summary>
[Trait("Control", "AZ-4")]
public sealed class TenantSessionTests(RowLevelSecurityApiFactory api) : IClassFixture<RowLevelSecurityApiFactory>, IDisposable
{
    private readonly ConcurrentBag<(ActivityTraceId Trace, string Text)> _commands = [];
    private ActivityListener? _listener;

    [Fact]
    public async Task AListAndAGet_SendOneCommandEach_WhichCarriesTheTenant_AndServeTheTenantsRows()
    {
        var demo = (await api.TenantIdsAsync())["demo"];
        using var client = await api.ClientForAsync("admin");
        var first = await client.GetStringAsync("/api/v1/items?pageSize=5");   // counts the items (then reused)
        var id = System.Text.Json.JsonDocument.Parse(first).RootElement.GetProperty("items")[0].GetProperty("id").GetString();
        Listen();

        var (list, listTrace) = await TracedGetAsync(client, "/api/v1/items?pageSize=5");
        var (get, getTrace) = await TracedGetAsync(client, $"/api/v1/items/{id}");

        Assert.Equal(System.Net.HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(first, await list.Content.ReadAsStringAsync());
        Assert.Equal(await OwnerCountAsync(demo), System.Text.Json.JsonDocument.Parse(first).RootElement.GetProperty("totalCount").GetInt32());
        foreach (var trace in new[] { listTrace, getTrace })
        {
            var command = Assert.Single(_commands, c => c.Trace == trace).Text;   // no set_config round trip of its own
            Assert.StartsWith("SELECT set_config('bulwark.tenant_id', @bulwark_tenant_id, false);", command, StringComparison.Ordinal);
            Assert.Contains("FROM items", command, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AFailedQuery_UndoesTheSettingItCarried_SoTheNextOneSendsItAgain()
    {
        var tenants = await api.TenantIdsAsync();
        var expected = await OwnerCountAsync(tenants["demo"]);
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterAsync(db, tenants["demo"], CancellationToken.None);
        await db.Database.OpenConnectionAsync();

        // Division by zero on the server: the batch that carried the setting fails as a whole.
        var failure = await Assert.ThrowsAsync<PostgresException>(() =>
            db.Items.IgnoreQueryFilters().Select(i => 1 / (i.Version - i.Version)).ToListAsync());
        Assert.Equal("22012", failure.SqlState);

        Assert.Equal(expected, await db.Items.IgnoreQueryFilters().CountAsync());
        Assert.Equal(expected, await RawCountAsync(db));   // the connection itself holds the tenant again
    }

    [Fact]
    public async Task ATenantEnteredInsideATransaction_IsSentAgainAfterTheRollback_AndAnotherTenantsRowsStayHidden()
    {
        var tenants = await api.TenantIdsAsync();
        var expected = await OwnerCountAsync(tenants["demo"]);
        Assert.True(expected > 0);
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        await db.Database.OpenConnectionAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal(0, await db.Items.IgnoreQueryFilters().CountAsync());   // no tenant yet: no rows
            await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterAsync(db, tenants["demo"], CancellationToken.None);
            Assert.Equal(expected, await db.Items.IgnoreQueryFilters().CountAsync());
            await transaction.RollbackAsync();   // undoes the set_config sent inside it
        }

        Assert.Equal(expected, await db.Items.IgnoreQueryFilters().CountAsync());
        Assert.Equal(0, await db.Items.IgnoreQueryFilters().CountAsync(i => i.TenantId == tenants["rival"]));
    }

    [Fact]
    public async Task ATenantEnteredOnAnOpenConnection_BeforeItsFirstCommand_IsTheOneSent()
    {
        var tenants = await api.TenantIdsAsync();
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        await db.Database.OpenConnectionAsync();   // owes the (empty) setting
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterAsync(db, tenants["rival"], CancellationToken.None);

        var expected = await OwnerCountAsync(tenants["rival"]);
        Assert.True(expected > 0);
        Assert.Equal(expected, await db.Items.IgnoreQueryFilters().CountAsync());
        Assert.Equal(0, await db.Items.IgnoreQueryFilters().CountAsync(i => i.TenantId == tenants["demo"]));
    }

    [Fact]
    public async Task RepeatedStatements_ArePreparedOnTheConnection_AndStillSeeOnlyTheirTenant()
    {
        // Issue 7: Npgsql's automatic preparation is on for the request path (Max Auto Prepare), so a statement sent
        // again and again is parsed and planned once per physical connection; the tenant setting still holds per open.
        var tenants = await api.TenantIdsAsync();
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        Assert.Equal(64, new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).MaxAutoPrepare);
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterAsync(db, tenants["demo"], CancellationToken.None);
        await db.Database.OpenConnectionAsync();
        var expected = await OwnerCountAsync(tenants["demo"]);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(expected, await db.Items.IgnoreQueryFilters().CountAsync());
        }

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT count(*)::int FROM pg_prepared_statements WHERE statement LIKE '%FROM items%'";
        Assert.True((int)(await command.ExecuteScalarAsync())! >= 1);
    }

    public void Dispose() => _listener?.Dispose();

    private void Listen()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql")
                {
                    var text = activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement");
                    _commands.Add((activity.TraceId, text as string ?? string.Empty));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>A request in a trace of its own (W3C traceparent): the commands it sends are the Npgsql activities of that trace.</summary>
    private static async Task<(HttpResponseMessage Response, ActivityTraceId Trace)> TracedGetAsync(HttpClient client, string path)
    {
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        return (await client.SendAsync(request), trace);
    }

    private static async Task<int> RawCountAsync(BulwarkDbContext db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT count(*)::int FROM items";
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private async Task<int> OwnerCountAsync(Guid tenant)
    {
        await using var owner = new NpgsqlConnection(api.SuperuserConnectionString);
        await owner.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*)::int FROM items WHERE \"TenantId\" = @tenant", owner);
        command.Parameters.AddWithValue("tenant", tenant);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
