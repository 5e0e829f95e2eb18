using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Bulwark.Testing;

/// <summary>
/// One real API process (<see cref="ApiProcess"/>: Kestrel on loopback, JSON log captured) per test
/// class, on a fresh SQLite data folder in the Development environment (so the demo users exist).
/// Subclass and override <see cref="Configure"/> for instance-specific settings.
/// </summary>
public class ApiProcessFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private ApiProcess? _api;
    private TestDatabase? _database;

    public ApiProcess Api => _api ?? throw new InvalidOperationException("Not initialized.");

    protected virtual string Environment => "Development";

    /// <summary>TLS-1: serve https:// instead of http:// (the subclass configures the certificate).</summary>
    protected virtual bool Https => false;

    public virtual async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var settings = _database.Settings();
        RelaxedRateLimits.AddTo(settings); // a subclass's Configure may remove them (RelaxedRateLimits.Remove)
        Configure(settings);
        _api = await ApiProcess.StartAsync(settings, Environment, https: Https);
    }

    /// <summary>Adds or overrides settings (configuration keys with ':' or plain environment names).</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public HttpClient CreateClient() => Api.CreateClient();

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
        lock (_tokens)
        {
            if (_tokens.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant, email = $"{role}@{tenant}.example", password = BulwarkApiFactory.DemoPassword });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"login as {key} failed: {(int)response.StatusCode} {body}");
        var token = JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
        lock (_tokens)
        {
            _tokens[key] = token;
        }

        return token;
    }

    public virtual async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
