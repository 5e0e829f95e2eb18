using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Api.Tests.Monitoring;

/// <summary>A webhook receiver on a real loopback socket: records every delivery; the first one fails with 503.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _attempts;

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = new Uri($"http://127.0.0.1:{port}/hook");
    }

    public Uri Url { get; }

    public ConcurrentQueue<(string EventId, string? Signature, byte[] Body, int Answered)> Deliveries { get; } = new();

    /// <summary>When the first delivery attempt arrived.</summary>
    public TaskCompletionSource<DateTime> FirstAttempt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>While set, deliveries after the first wait on it (a slow receiver).</summary>
    public TaskCompletionSource Hold { get; set; } = CompletedHold();

    private int _waiting;

    /// <summary>Deliveries waiting on <see cref="Hold"/> so far.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = ApiProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var attempt = Interlocked.Increment(ref receiver._attempts);
            if (attempt == 1)
            {
                receiver.FirstAttempt.TrySetResult(DateTime.UtcNow);
            }
            var status = attempt == 1 ? 503 : 200;
            if (attempt > 1)
            {
                Interlocked.Increment(ref receiver._waiting);
                await receiver.Hold.Task;
            }

            receiver.Deliveries.Enqueue((http.Request.Headers["X-Bulwark-Event-Id"].ToString(),
                http.Request.Headers["X-Bulwark-Signature"].FirstOrDefault(), buffer.ToArray(), status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    private static TaskCompletionSource CompletedHold()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    public async ValueTask DisposeAsync()
    {
        Hold.TrySetResult();
        await _app.DisposeAsync();
    }
}

/// <summary>One real API process with a scrape token and the alert webhook pointed at <see cref="WebhookReceiver"/>.</summary>
public sealed class MonitoredApi : IAsyncLifetime
{
    public const string ScrapeToken = "test-scrape-token-0123456789abcdef0123456789abcdef";
    public const string SigningKey = "test-alert-signing-key-0123456789abcdef0123456789";

    private TestDatabase? _database;

    public ApiProcess Api { get; private set; } = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        _database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var settings = _database.Settings();
        RelaxedRateLimits.AddTo(settings);
        settings["Bulwark:Metrics:ScrapeToken"] = ScrapeToken;
        settings["Bulwark:Alerts:WebhookUrl"] = Receiver.Url.ToString();
        settings["Bulwark:Alerts:SigningKey"] = SigningKey;
        settings["Bulwark:Alerts:RetryDelay"] = "00:00:00.050";
        settings["Bulwark:Alerts:AttemptTimeout"] = "00:01:00";
        settings["Bulwark:Sessions:ReuseGraceWindow"] = "00:00:00";   // every second use of a refresh token is reuse
        Api = await ApiProcess.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Receiver.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>
/// LOG-6 on a real process: <c>/metrics</c> answers only the scrape token (not a user's token, not a guess) and counts
/// what the controls did; a critical event reaches the webhook — signed, retried after a failure, and without the
/// request that caused it waiting for the receiver.
/// </summary>
[Trait("Control", "LOG-6")]
public sealed partial class MonitoringTests(MonitoredApi monitored) : IClassFixture<MonitoredApi>
{
    private ApiProcess Api => monitored.Api;

    private async Task<HttpResponseMessage> MetricsAsync(string? bearer)
    {
        using var client = Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(request);
    }

    private async Task<double> CounterAsync(string series)
    {
        using var response = await MetricsAsync(MonitoredApi.ScrapeToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var match = Regex.Match(text, "^" + Regex.Escape(series) + @"(?:\{[^}]*\})? (?<value>[0-9.e+]+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The exporter caches a scrape for a moment: read until the value is reached or 5 s pass.</summary>
    private async Task<double> CounterReachingAsync(string series, double expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        double value;
        while ((value = await CounterAsync(series)) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        return value;
    }

    private async Task<(string Access, string Refresh)> LoginAsync(string email = "finance@demo.example")
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email, password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("accessToken").GetString()!, json.GetProperty("refreshToken").GetString()!);
    }

    private async Task<HttpStatusCode> RefreshAsync(string refreshToken)
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
        return response.StatusCode;
    }

    [Fact]
    public async Task Metrics_AreServedOnlyForTheScrapeToken()
    {
        var (access, _) = await LoginAsync();
        foreach (var wrong in new string?[] { null, "not-the-token", access, MonitoredApi.ScrapeToken[..^1] })
        {
            using var refused = await MetricsAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.DoesNotContain("bulwark_", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var scraped = await MetricsAsync(MonitoredApi.ScrapeToken);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("# TYPE bulwark_security_events_total counter", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The scrape token is nothing anywhere else.
        using var client = Api.CreateClient();
        using var items = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items");
        items.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MonitoredApi.ScrapeToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(items)).StatusCode);
    }

    [Fact]
    public async Task Metrics_CountAuthFailures_AsTheyHappen()
    {
        const string series = "bulwark_auth_failures_total";
        var before = await CounterAsync(series);
        using var client = Api.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var failed = await client.PostAsJsonAsync("/api/v1/auth/login",
                new { tenant = "demo", email = "inventory@demo.example", password = "Wrong-Password-123" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        Assert.True(await CounterReachingAsync(series, before + 3) >= before + 3);
        var loginSeries = await CounterAsync("bulwark_security_events_total");
        Assert.True(loginSeries > 0);
    }

    [Fact]
    public async Task ACriticalEvent_ReachesTheWebhook_Signed_Retried_AndWithoutHoldingTheRequest()
    {
        var receiver = monitored.Receiver;
        receiver.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // AUTH-5: a refresh token used twice (grace window 0 here) → auth.refresh.reuse, a critical event.
        var (_, refresh) = await LoginAsync();
        Assert.Equal(HttpStatusCode.OK, await RefreshAsync(refresh));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshAsync(refresh));
        var reusedAt = DateTime.UtcNow;
        // LOG-6: the alert is on its way within 2 s of the request that raised it.
        var firstAttempt = await receiver.FirstAttempt.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(firstAttempt - reusedAt < TimeSpan.FromSeconds(2), $"first delivery {(firstAttempt - reusedAt).TotalMilliseconds} ms after the reuse");

        // The first delivery got 503; the retry now hangs in the receiver ...
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (receiver.Waiting == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(receiver.Waiting > 0, "the alert was not retried after the 503");
        // ... and requests, critical ones included, are answered all the same.
        var (_, second) = await LoginAsync("hr@demo.example");
        Assert.Equal(HttpStatusCode.OK, await RefreshAsync(second));
        var reuse = RefreshAsync(second);
        Assert.Same(reuse, await Task.WhenAny(reuse, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(HttpStatusCode.Unauthorized, await reuse);

        receiver.Hold.SetResult();
        deadline = DateTime.UtcNow.AddSeconds(20);
        while (receiver.Deliveries.Count(d => d.Answered == 200) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var deliveries = receiver.Deliveries.ToArray();
        var delivered = deliveries.Where(d => d.Answered == 200).ToArray();
        Assert.Equal(2, delivered.Length);
        // The failed first attempt and its retry are one alert (same event id).
        Assert.Equal(deliveries.Single(d => d.Answered == 503).EventId, delivered[0].EventId);
        Assert.NotEqual(delivered[0].EventId, delivered[1].EventId);
        foreach (var (_, signature, body, _) in delivered)
        {
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(MonitoredApi.SigningKey), body));
            Assert.Equal(expected, signature);
            var alert = JsonDocument.Parse(body).RootElement;
            Assert.Equal("auth.refresh.reuse", alert.GetProperty("type").GetString());
            Assert.Equal("/api/v1/auth/refresh", alert.GetProperty("resource").GetString());
            Assert.DoesNotContain(refresh, Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        }

        // Not every event is an alert: the failed logins and successful refreshes above sent nothing.
        Assert.Equal(3, deliveries.Length);
    }
}
