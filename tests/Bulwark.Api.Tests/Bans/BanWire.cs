using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Bulwark.Api.Tests.Bans;

/// <summary>Raw requests from chosen loopback source addresses (each test owns its IPs) and ban assertions.</summary>
internal static class BanWire
{
    public static Task<RawResponse> GetAsync(ApiProcess api, string sourceIp, string target, string? userAgent = null,
        string? forwardedFor = null, string? token = null)
    {
        var request = $"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
                      (token is null ? string.Empty : $"Authorization: Bearer {token}\r\n") +
                      (userAgent is null ? string.Empty : $"User-Agent: {userAgent}\r\n") +
                      (forwardedFor is null ? string.Empty : $"X-Forwarded-For: {forwardedFor}\r\n") + "\r\n";
        return RawHttp.SendFromAsync(IPAddress.Parse(sourceIp), api.Port, request);
    }

    public static Task<RawResponse> PostJsonAsync(ApiProcess api, string sourceIp, string path, string body)
    {
        var request = $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                      $"Content-Length: {Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n" + body;
        return RawHttp.SendFromAsync(IPAddress.Parse(sourceIp), api.Port, request);
    }

    public static Task<RawResponse> FailedLoginAsync(ApiProcess api, string sourceIp, string email = "nobody@demo.example") =>
        PostJsonAsync(api, sourceIp, "/api/v1/auth/login",
            JsonSerializer.Serialize(new { tenant = "demo", email, password = "Wrong-Password-123" }));

    /// <summary>BAN-1: 403 problem+json that says nothing about why or for how long.</summary>
    public static void IsBanned(RawResponse response)
    {
        Assert.True(response.Status == 403, $"expected 403 (banned), got {response.Status}: {response.Body}");
        Assert.StartsWith("application/problem+json", response.Header("Content-Type"), StringComparison.Ordinal);
        var problem = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.Null(response.Header("Retry-After"));
        Assert.DoesNotContain("ban", response.Body, StringComparison.OrdinalIgnoreCase);
        ProblemAssert.NoLeaks(response.Body);
    }

    public static async Task<JsonElement> BanEventAsync(ApiProcess api, string clientIp, string reasonStart)
    {
        var line = await api.WaitForLineAsync(
            l => l.Contains("\"EventType\":\"abuse.ban.created\"", StringComparison.Ordinal)
                 && l.Contains($"\"ClientIp\":\"{clientIp}\"", StringComparison.Ordinal)
                 && l.Contains($"\"Reason\":\"{reasonStart}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.True(line is not null, $"no abuse.ban.created event for {clientIp} ({reasonStart})");
        return JsonDocument.Parse(line).RootElement;
    }
}
