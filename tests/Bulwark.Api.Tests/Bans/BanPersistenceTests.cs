using Bulwark.Api.Tests.Audit;

namespace Bulwark.Api.Tests.Bans;

/// <summary>BAN-1: bans live in the database: they survive a restart, and the <c>bans</c> verb lists and lifts them.</summary>
public sealed class BanPersistenceTests
{
    [Fact, Trait("Control", "BAN-1")]
    public async Task Ban_SurvivesARestart_AndTheBansVerbListsAndLiftsIt()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var settings = database.Settings();
        const string ip = "127.0.38.1";

        await using (var first = await ApiProcess.StartAsync(settings))
        {
            BanWire.IsBanned(await BanWire.GetAsync(first, ip, "/health/live", "sqlmap/1.8"));
        }

        await using var second = await ApiProcess.StartAsync(settings);
        BanWire.IsBanned(await BanWire.GetAsync(second, ip, "/health/live"));
        Assert.Equal(200, (await BanWire.GetAsync(second, "127.0.38.2", "/health/live")).Status);

        var (listed, list) = await CliProcess.RunAsync(database, "bans", "list");
        Assert.True(listed == 0, list);
        Assert.Contains($"{ip}\tactive\toffences=1\treason=scanner-user-agent", list, StringComparison.Ordinal);
        Assert.Contains("bans: 1 listed", list, StringComparison.Ordinal);

        var (lifted, output) = await CliProcess.RunAsync(database, "bans", "lift", ip);
        Assert.True(lifted == 0, output);
        Assert.Contains($"bans: lifted {ip}", output, StringComparison.Ordinal);

        // The running instance picks the lift up from the database within one refresh (10 s).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var status = 0;
        while (DateTime.UtcNow < deadline && (status = (await BanWire.GetAsync(second, ip, "/health/live")).Status) != 200)
        {
            await Task.Delay(500);
        }

        Assert.Equal(200, status);
        var (again, none) = await CliProcess.RunAsync(database, "bans", "lift", ip);
        Assert.Equal(1, again);
        Assert.Contains("has no active ban", none, StringComparison.Ordinal);
        Assert.Equal(2, (await CliProcess.RunAsync(database, "bans", "lift", "not-an-ip")).ExitCode);
    }
}
