using Bulwark.Api.Tests.RateLimiting;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// Two real instances on one PostgreSQL database (the scaled mode's shared state), each with its own data folder as on
/// two machines: nothing is shared through the file system.
/// </summary>
public sealed class TwoInstancesOnPostgres : IAsyncLifetime
{
    private readonly string _secondDataDirectory = Directory.CreateTempSubdirectory("bulwark-test-b-").FullName;

    public TestDatabase Database { get; private set; } = null!;

    public ApiProcess A { get; private set; } = null!;

    public ApiProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(TestProvider.Postgres);
        var settings = Database.Settings();
        RelaxedRateLimits.AddTo(settings);
        // One after the other: the first migrates and seeds, the second finds both done.
        A = await ApiProcess.StartAsync(settings);
        B = await ApiProcess.StartAsync(new Dictionary<string, string?>(settings) { ["BULWARK_DATA_DIR"] = _secondDataDirectory });
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(_secondDataDirectory, recursive: true);
    }
}

/// <summary>AUTH-3 in the scaled mode: failures on two instances add up to one per-account count.</summary>
[Trait("Control", "AUTH-3")]
public sealed class LockoutAcrossInstancesTests(TwoInstancesOnPostgres cluster) : IClassFixture<TwoInstancesOnPostgres>
{
    [Fact]
    public async Task ElevenFailuresSplitOverTwoInstancesAndElevenIps_LockTheAccountOnBoth()
    {
        // A legitimate login works on both instances first.
        Assert.Equal(200, (await RateLimitWire.LoginAsync(cluster.A, "127.0.40.1", BulwarkApiFactory.DemoPassword, email: "employee@demo.example")).Status);
        Assert.Equal(200, (await RateLimitWire.LoginAsync(cluster.B, "127.0.40.1", BulwarkApiFactory.DemoPassword, email: "employee@demo.example")).Status);

        for (var i = 1; i <= 11; i++)
        {
            var instance = i % 2 == 0 ? cluster.A : cluster.B;
            Assert.Equal(401, (await RateLimitWire.LoginAsync(instance, $"127.0.41.{i}", email: "employee@demo.example")).Status);
        }

        Assert.Equal(401, (await RateLimitWire.LoginAsync(cluster.A, "127.0.41.20", BulwarkApiFactory.DemoPassword, email: "employee@demo.example")).Status);
        Assert.Equal(401, (await RateLimitWire.LoginAsync(cluster.B, "127.0.41.21", BulwarkApiFactory.DemoPassword, email: "employee@demo.example")).Status);
        // One lock, reported once.
        var lockEvents = cluster.A.OutputLines.Concat(cluster.B.OutputLines)
            .Count(l => l.Contains("\"EventType\":\"auth.account.locked\"", StringComparison.Ordinal));
        Assert.Equal(1, lockEvents);
    }
}
