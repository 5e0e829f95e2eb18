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
    public async Task TestHosts_DetectOneContextUsedTwiceAtOnce()
    {
        using var scope = api.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        Assert.True(db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.ThreadSafetyChecksEnabled);

        // Two threads querying one context at once: the detector throws instead of leaving the behaviour undefined.
        async Task Loop()
        {
            for (var i = 0; i < 2000; i++)
            {
                await db.Set<Item>().IgnoreQueryFilters().AnyAsync();
            }
        }

        var first = Task.Run(Loop);
        var second = Task.Run(Loop);
        var errors = new[] { await Record.ExceptionAsync(() => first), await Record.ExceptionAsync(() => second) };
        Assert.Contains(errors, e => e is InvalidOperationException);
    }
}
