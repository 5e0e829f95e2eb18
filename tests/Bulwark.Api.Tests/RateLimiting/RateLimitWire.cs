using System.Net;
using System.Text;
using System.Text.Json;

namespace Bulwark.Api.Tests.RateLimiting;

/// <summary>Raw requests from chosen loopback source addresses, so each test owns its per-IP partitions.</summary>
internal static class RateLimitWire
{
    public static Task<RawResponse> LoginAsync(ApiProcess api, string sourceIp, string password = "Wrong-Password-123",
        string? forwardedFor = null, string email = "nobody@demo.example")
    {
        var body = $$"""{"tenant":"demo","email":"{{email}}","password":"{{password}}"}""";
        var request = "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                      $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n" +
                      (forwardedFor is null ? string.Empty : $"X-Forwarded-For: {forwardedFor}\r\n") +
                      "\r\n" + body;
        return RawHttp.SendFromAsync(IPAddress.Parse(sourceIp), api.Port, request);
    }

    public static Task<RawResponse> GetAsync(ApiProcess api, string sourceIp, string path, string? token = null)
    {
        var request = $"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
                      (token is null ? string.Empty : $"Authorization: Bearer {token}\r\n") + "\r\n";
        return RawHttp.SendFromAsync(IPAddress.Parse(sourceIp), api.Port, request);
    }

    /// <summary>RL-3: a 429 problem+json with Retry-After and the draft-10 RateLimit headers of <paramref name="policy"/>.</summary>
    public static void Is429(RawResponse response, string policy, int quota, int window = 60)
    {
        Assert.True(response.Status == 429, $"expected 429, got {response.Status}: {response.Body}");
        var retryAfter = int.Parse(response.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, window);
        Assert.Equal($"\"{policy}\";q={quota};w={window}", response.Header("RateLimit-Policy"));
        Assert.Equal($"\"{policy}\";r=0;t={retryAfter}", response.Header("RateLimit"));
        Assert.StartsWith("application/problem+json", response.Header("Content-Type"), StringComparison.Ordinal);
        var problem = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("https://bulwark.dev/problems/too-many-requests", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        ProblemAssert.NoLeaks(response.Body);
    }

    public static async Task<JsonElement> EventAsync(ApiProcess api, string clientIp, string reason)
    {
        var line = await api.WaitForLineAsync(
            l => l.Contains("\"EventType\":\"ratelimit.rejected\"", StringComparison.Ordinal)
                 && l.Contains($"\"ClientIp\":\"{clientIp}\"", StringComparison.Ordinal)
                 && l.Contains($"\"Reason\":\"{reason}\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.True(line is not null, $"no ratelimit.rejected event for {clientIp} ({reason})");
        return JsonDocument.Parse(line).RootElement;
    }
}
