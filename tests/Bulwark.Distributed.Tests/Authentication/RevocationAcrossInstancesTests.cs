using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Bulwark.Distributed.Tests.Authentication;

/// <summary>
/// AUTH-6 on two real instances sharing PostgreSQL and Redis: a session ended on one instance is refused on the
/// other within 1 s (Redis pub/sub into each instance's local revoked set; no per-request Redis call), while the
/// same user's other session keeps working everywhere. Each test sends from its own 127.x.y.z source addresses.
/// </summary>
public sealed class RevocationAcrossInstancesTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private const string ItemsPath = "/api/v1/items?pageSize=1";

    [Fact, Trait("Control", "AUTH-6"), Trait("Category", "Distributed")]
    public async Task LogoutOnA_TokenRefusedOnB_WithinOneSecond_OtherSessionStillServed()
    {
        var revoked = await LoginAsync(cluster.A, "127.0.30.1", "finance@demo.example");
        var kept = await LoginAsync(cluster.B, "127.0.30.2", "finance@demo.example");
        Assert.Equal(200, (await GetAsync(cluster.B, "127.0.30.3", ItemsPath, revoked)).Status);
        Assert.Equal(200, (await GetAsync(cluster.A, "127.0.30.3", ItemsPath, kept)).Status);

        Assert.Equal(204, (await SendAsync(cluster.A, "127.0.30.1", "POST", "/api/v1/auth/logout", revoked, null)).Status);
        var clock = Stopwatch.StartNew();
        var status = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            status = (await GetAsync(cluster.B, "127.0.30.3", ItemsPath, revoked)).Status;
            if (status == 401)
            {
                break;
            }

            await Task.Delay(20);
        }

        Assert.True(status == 401, $"the logged-out token was still served on B after {clock.ElapsedMilliseconds} ms (last status {status})");
        Assert.Equal(401, (await GetAsync(cluster.A, "127.0.30.3", ItemsPath, revoked)).Status);
        // The user's other session is not affected, on either instance.
        Assert.Equal(200, (await GetAsync(cluster.B, "127.0.30.4", ItemsPath, kept)).Status);
        Assert.Equal(200, (await GetAsync(cluster.A, "127.0.30.4", ItemsPath, kept)).Status);
    }

    [Fact, Trait("Control", "AUTH-6"), Trait("Category", "Distributed")]
    public async Task RevocationIsAlsoInTheSharedSet_SoAnInstanceThatMissedTheMessageCanReloadIt()
    {
        var token = await LoginAsync(cluster.A, "127.0.31.1", "inventory@demo.example");
        Assert.Equal(204, (await SendAsync(cluster.B, "127.0.31.1", "POST", "/api/v1/auth/logout", token, null)).Status);

        // The sorted set that instances reload after a reconnect holds the session until its tokens expire.
        var members = await cluster.Redis.CliAsync("ZRANGE", "bulwark:{revocations}:sessions", "0", "-1");
        var sid = JsonDocument.Parse(Base64UrlDecode(token.Split('.')[1])).RootElement.GetProperty("sid").GetString();
        Assert.Contains(sid!, members, StringComparison.Ordinal);
        Assert.Equal(401, (await GetAsync(cluster.A, "127.0.31.2", ItemsPath, token)).Status);
    }

    private static async Task<string> LoginAsync(ApiProcess api, string sourceIp, string email)
    {
        var body = $$"""{"tenant":"demo","email":"{{email}}","password":"Bulwark-Demo-2026!"}""";
        var response = await SendAsync(api, sourceIp, "POST", "/api/v1/auth/login", null, body);
        Assert.True(response.Status == 200, $"login {email}: {response.Status} {response.Body}");
        return JsonDocument.Parse(response.Body).RootElement.GetProperty("accessToken").GetString()!;
    }

    private static Task<RawResponse> GetAsync(ApiProcess api, string sourceIp, string path, string token) =>
        SendAsync(api, sourceIp, "GET", path, token, null);

    private static Task<RawResponse> SendAsync(ApiProcess api, string sourceIp, string method, string path, string? token, string? body)
    {
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        if (token is not null)
        {
            request.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {token}\r\n");
        }

        if (body is not null)
        {
            request.Append(CultureInfo.InvariantCulture,
                $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n");
        }
        else if (method == "POST")
        {
            request.Append("Content-Length: 0\r\n");
        }

        request.Append("\r\n").Append(body);
        return RawHttp.SendFromAsync(IPAddress.Parse(sourceIp), api.Port, request.ToString());
    }

    private static byte[] Base64UrlDecode(string value) => Convert.FromBase64String(
        value.Replace('-', '+').Replace('_', '/') + new string('=', (4 - value.Length % 4) % 4));
}
