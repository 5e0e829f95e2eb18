using Bulwark.Erp.Data;
using Bulwark.Erp.Inventory;
using Bulwark.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Data;

/// <summary>
/// Issue 7: the service runs without EF Core's concurrent-use detector (a per-row cost); every test host turns it on,
/// so a context used by two operations at once still fails the suite.
/// </summary>
public sealed class ThreadSafetyChecksTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    [Fact]
    public void DefaultOptions_RunWithoutTheDetector()
    {
        Assert.False(new DatabaseOptions().ThreadSafetyChecks);
    }

    [Fact]
    public async Task TestHosts_DetectASecondOperationOnOneContext()
    {
        using var scope = api.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        Assert.True(db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.ThreadSafetyChecksEnabled);

        // A second operation while another one (on another async flow, as a concurrent request would be) holds the
        // context: the detector throws instead of leaving the behaviour undefined. Deterministic, unlike a race.
        var detector = db.GetService<IConcurrencyDetector>();
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var holder = Task.Run(async () =>
        {
            using (detector.EnterCriticalSection())
            {
                entered.SetResult();
                await release.Task;
            }
        });
        await entered.Task;
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Set<Item>().IgnoreQueryFilters().AnyAsync());
            Assert.Contains("second operation", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            release.SetResult();
            await holder;
        }

        Assert.False(await db.Set<Item>().IgnoreQueryFilters().AnyAsync(i => i.Id == Guid.Empty));   // and served once it ends
    }
}
