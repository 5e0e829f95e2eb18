using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Bulwark.Testing;

/// <summary>
/// The real app, in process, on a throwaway database, in the Development environment (so the demo
/// tenants <c>demo</c> and <c>rival</c> exist). One per test class (IClassFixture). Use
/// <see cref="SqliteApiFactory"/> / <see cref="PostgresApiFactory"/> to run a suite on both providers.
/// </summary>
public abstract class BulwarkApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string DemoPassword = "Bulwark-Demo-2026!";
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private TestDatabase? _database;

    protected BulwarkApiFactory(TestProvider provider)
    {
        Provider = provider;
    }

    public TestProvider Provider { get; }

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Extra configuration for this host (set before the first client is created).</summary>
    public Dictionary<string, string?> ExtraSettings { get; } = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Provider);
        _ = Server; // start the host (migrations + seed) now, not inside the first test
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // TLS-1: the in-process test server speaks plain HTTP; the fixture opts in explicitly (ExtraSettings may undo it).
        builder.UseSetting("Bulwark:Tls:AllowPlainHttp", "true");
        // RL-1: limits raised for functional tests unless ExtraSettings sets them (later settings win).
        foreach (var (key, value) in TestLogs.With(RelaxedRateLimits.Settings.Concat(Database.Settings()).Concat(ExtraSettings), "host"))
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
    }

    /// <summary>A client authenticated as <c>{role}@{tenant}.example</c> through the real login endpoint.</summary>
    public async Task<HttpClient> ClientForAsync(string role, string tenant = "demo")
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(role, tenant));
        return client;
    }

    public async Task<string> TokenForAsync(string role, string tenant = "demo")
    {
        var key = role + "@" + tenant;
        if (_tokens.TryGetValue(key, out var cached))
        {
            return cached;
        }

        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant, email = $"{role}@{tenant}.example", password = DemoPassword });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"login as {key} failed: {(int)response.StatusCode} {body}");
        var token = JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
        _tokens[key] = token;
        return token;
    }
}

public sealed class SqliteApiFactory() : BulwarkApiFactory(TestProvider.Sqlite);

public sealed class PostgresApiFactory() : BulwarkApiFactory(TestProvider.Postgres);
