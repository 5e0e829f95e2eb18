using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bulwark.Api.Tests.RateLimiting;

/// <summary>A real instance with the global tier at 5/min per IP, metrics on, and 127.0.0.1 (the test's reader) allow-listed.</summary>
public sealed class FloodEventsApi : ApiProcessFixture
{
    public const string ScrapeToken = "flood-scrape-token-0123456789abcdef0123456789abcdef";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Bulwark:RateLimiting:Global:PermitLimit"] = "5";
        settings["Bulwark:RateLimiting:AllowList:0"] = "127.0.0.1";   // RL-4: the scrapes and audit reads are not limited
        settings["Bulwark:Metrics:ScrapeToken"] = ScrapeToken;
    }
}

/// <summary>
/// LOG-2/LOG-3/LOG-6 (issue 7) on a real process: a flood of 429s from one client is refused request by request and
/// counted request by request in the metrics, but reaches the log and the audit store once per 10 s, and the next
/// recorded event says how many repeats were left out. The client's requests within its limit are served.
/// </summary>
public sealed class FloodEventsTests(FloodEventsApi instance) : IClassFixture<FloodEventsApi>
{
    private const string Ip = "127.0.50.1";

    [Fact, Trait("Control", "LOG-2"), Trait("Control", "RL-3")]
    public async Task AFloodOf429s_IsCountedEach_ButRecordedOncePerWindow_WithTheRepeats()
    {
        // A signed-in client (its events carry its tenant, so its admin reads them through the audit API).
        var token = await instance.TokenForAsync("inventory");
        var before = await RejectionsAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await RateLimitWire.GetAsync(instance.Api, Ip, "/api/v1/items", token)).Status);   // within the limit
        }

        for (var i = 0; i < 25; i++)
        {
            RateLimitWire.Is429(await RateLimitWire.GetAsync(instance.Api, Ip, "/api/v1/items", token), "global", 5);
        }

        // Metrics: every refusal (the exporter caches a scrape for a moment).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        double counted;
        while ((counted = await RejectionsAsync() - before) < 25 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(25, counted);

        // Log and audit store: one event for the 25.
        await RateLimitWire.EventAsync(instance.Api, Ip, "global");   // asserts the line is there
        var stored = await StoredAsync(1);
        Assert.Equal("global", Assert.Single(stored).GetProperty("reason").GetString());
        Assert.Single(instance.Api.OutputLines, IsFloodLine);

        // The next window: the next refusal is recorded and carries the 24 left out.
        await Task.Delay(TimeSpan.FromSeconds(10.2));   // RepeatedEventCoalescer.Window
        RateLimitWire.Is429(await RateLimitWire.GetAsync(instance.Api, Ip, "/api/v1/items", token), "global", 5);
        stored = await StoredAsync(2);
        Assert.Contains(stored, e => e.GetProperty("reason").GetString() == "global; +24 repeats");
    }

    private static bool IsFloodLine(string line) =>
        line.Contains("\"EventType\":\"ratelimit.rejected\"", StringComparison.Ordinal)
        && line.Contains($"\"ClientIp\":\"{Ip}\"", StringComparison.Ordinal);

    /// <summary>The stored <c>ratelimit.rejected</c> events of the flooding client, once <paramref name="expected"/> are there (10 s).</summary>
    private async Task<List<JsonElement>> StoredAsync(int expected)
    {
        using var admin = await instance.ClientForAsync("admin");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var page = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/audit-events?type=ratelimit.rejected&pageSize=100")).RootElement;
            var mine = page.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("clientIp").GetString() == Ip).ToList();
            if (mine.Count >= expected || DateTime.UtcNow > deadline)
            {
                await Task.Delay(500);   // a stray extra row would have been stored by now
                page = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/audit-events?type=ratelimit.rejected&pageSize=100")).RootElement;
                return page.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("clientIp").GetString() == Ip).ToList();
            }

            await Task.Delay(100);
        }
    }

    private async Task<double> RejectionsAsync()
    {
        using var client = instance.Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FloodEventsApi.ScrapeToken);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = Regex.Match(await response.Content.ReadAsStringAsync(), @"^bulwark_ratelimit_rejections_total(?:\{[^}]*\})? (?<value>[0-9.e+]+)",
            RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) : 0;
    }
}
