using System.Globalization;
using System.Net;
using System.Text;

namespace Bulwark.Distributed.Tests;

/// <summary>
/// Two real API processes (<see cref="ApiProcess"/>) on one PostgreSQL database and one private Redis
/// (<see cref="RedisServer"/>, so a test can stop and restart it), at the product's default limits and
/// <c>ExpectedInstances = 2</c>. The first instance migrates and seeds before the second starts.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    /// <summary>The cluster's shared PostgreSQL database (its audit store, for tests that read it).</summary>
    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    public RedisServer Redis { get; private set; } = null!;

    public ApiProcess A { get; private set; } = null!;

    public ApiProcess B { get; private set; } = null!;


    public IReadOnlyList<ApiProcess> Instances => [A, B];

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        _database = await TestDatabase.CreateAsync(TestProvider.Postgres);
        var settings = _database.Settings();
        settings["Bulwark:Redis:Configuration"] = Redis.Configuration;
        settings["Bulwark:RateLimiting:ExpectedInstances"] = "2";
        Configure(settings);
        try
        {
            A = await ApiProcess.StartAsync(settings);
            B = await ApiProcess.StartAsync(settings);
        }
        catch
        {
            // xunit does not dispose a fixture whose initialization failed: stop what was started (by PID).
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds or overrides settings of both instances.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public async Task DisposeAsync()
    {
        // Members stay null when InitializeAsync failed part-way.
        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>A GET from a chosen loopback source address, so each test owns its per-IP partitions.</summary>
    public static Task<RawResponse> GetAsync(ApiProcess api, string sourceIp, string path, string? userAgent = null)
    {
        var request = $"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
                      (userAgent is null ? string.Empty : $"User-Agent: {userAgent}\r\n") + "\r\n";
        return RawHttp.SendFromAsync(IPAddress.Parse(sourceIp), api.Port, request);
    }

    /// <summary>A failed password login from a chosen source address.</summary>
    public static Task<RawResponse> FailedLoginAsync(ApiProcess api, string sourceIp)
    {
        const string body = """{"tenant":"demo","email":"nobody@demo.example","password":"Wrong-Password-123"}""";
        var request = "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                      $"Content-Length: {Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n" + body;
        return RawHttp.SendFromAsync(IPAddress.Parse(sourceIp), api.Port, request);
    }
}
