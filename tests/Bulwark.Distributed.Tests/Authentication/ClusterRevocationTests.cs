using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Bulwark.Distributed.Tests.Authentication;

/// <summary>
/// AUTH-6/AZ-2 on two real instances sharing PostgreSQL and Redis: a logout or role change made on instance A is in
/// force on instance B within 1 s, while B checks revocations without a Redis call per request.
/// </summary>
public sealed class ClusterRevocationTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);

    [Fact, Trait("Control", "AUTH-6"), Trait("Category", "Distributed")]
    public async Task LogoutOnA_IsRejectedOnB_WithinOneSecond_AndBChecksWithoutRedisPerRequest()
    {
        var token = await LoginAsync(cluster.A, "127.0.30.1", "auditor");
        Assert.Equal(200, (await SendAsync(cluster.B, "127.0.30.2", "GET", "/api/v1/accounts", token)).Status);

        // Hot path: a valid token costs B one rate-limit script (IP tiers, ban check and user tier together), no
        // revocation or permission lookup in Redis.
        await cluster.Redis.CliAsync("CONFIG", "RESETSTAT");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await SendAsync(cluster.B, "127.0.30.2", "GET", "/api/v1/accounts", token)).Status);
        }

        var calls = await cluster.Redis.CommandCallsAsync();
        Assert.Equal(5, calls.GetValueOrDefault("evalsha") + calls.GetValueOrDefault("eval"));
        // Commands run inside the scripts are counted too (hash and expiry commands); a revocation or permission lookup
        // would show as one of these.
        Assert.Equal(0, calls.Where(c => c.Key.StartsWith('z') || c.Key is "get" or "mget" or "sismember" or "publish" or "hget")
            .Sum(c => c.Value));

        Assert.Equal(204, (await SendAsync(cluster.A, "127.0.30.1", "POST", "/api/v1/auth/logout", token)).Status);
        var watch = Stopwatch.StartNew();
        var status = await PollAsync(() => SendAsync(cluster.B, "127.0.30.2", "GET", "/api/v1/accounts", token), 401);
        Assert.True(status == 401, $"B still answered {status} {watch.ElapsedMilliseconds} ms after the logout on A");

        // The other side: a fresh login works on B at once.
        var again = await LoginAsync(cluster.A, "127.0.30.3", "auditor");
        Assert.Equal(200, (await SendAsync(cluster.B, "127.0.30.2", "GET", "/api/v1/accounts", again)).Status);
    }

    [Fact, Trait("Control", "AUTH-6"), Trait("Control", "AZ-2"), Trait("Category", "Distributed")]
    public async Task RoleChangeOnA_RevokesOnB_AndBDropsItsCachedPermissions_WithinOneSecond()
    {
        var finance = await LoginAsync(cluster.A, "127.0.31.1", "finance");
        var admin = await LoginAsync(cluster.A, "127.0.31.2", "admin");
        // B resolves and caches finance's permissions (ledger:read).
        Assert.Equal(200, (await SendAsync(cluster.B, "127.0.31.3", "GET", "/api/v1/accounts", finance)).Status);

        var userId = Subject(finance);
        var changed = await SendAsync(cluster.A, "127.0.31.2", "PUT", $"/api/v1/users/{userId}/roles", admin, """{"roles":["employee"]}""");
        Assert.True(changed.Status == 200, $"role change got {changed.Status}: {changed.Body}");

        // The old token's session was revoked on A: B refuses it within 1 s.
        var status = await PollAsync(() => SendAsync(cluster.B, "127.0.31.3", "GET", "/api/v1/accounts", finance), 401);
        Assert.Equal(401, status);

        // A new login carries the new role; B must not answer from its cached (finance) permissions, which would
        // live 30 s without the invalidation message.
        var employee = await LoginAsync(cluster.A, "127.0.31.4", "finance");
        var denied = await SendAsync(cluster.B, "127.0.31.3", "GET", "/api/v1/accounts", employee);
        Assert.True(denied.Status == 403, $"B answered {denied.Status} with the demoted user's new token");
        Assert.Equal(200, (await SendAsync(cluster.B, "127.0.31.3", "GET", "/api/v1/tenants/current", employee)).Status);
    }

    [Fact, Trait("Control", "AUTH-9"), Trait("Control", "AUTH-6"), Trait("Category", "Distributed")]
    public async Task ApiKeyRevokedOnA_IsRejectedOnB_WithinOneSecond_AndAKeyCostsBOneRoundTrip()
    {
        var admin = await LoginAsync(cluster.A, "127.0.32.1", "admin");
        var created = await SendAsync(cluster.A, "127.0.32.1", "POST", "/api/v1/api-keys", admin,
            $$"""{"name":"cluster","permissions":["ledger:read"],"currentPassword":"{{BulwarkApiFactory.DemoPassword}}"}""");
        Assert.True(created.Status == 201, $"create got {created.Status}: {created.Body}");
        var root = JsonDocument.Parse(created.Body).RootElement;
        var key = root.GetProperty("key").GetString()!;
        var id = root.GetProperty("id").GetString()!;
        // B reads the key once from the database and caches it.
        Assert.Equal(200, (await SendAsync(cluster.B, "127.0.32.2", "GET", "/api/v1/accounts", key, scheme: "ApiKey")).Status);

        // Hot path: an API-key request costs one rate-limit script (IP tiers + ban + the key's own tier), nothing else.
        await cluster.Redis.CliAsync("CONFIG", "RESETSTAT");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(200, (await SendAsync(cluster.B, "127.0.32.2", "GET", "/api/v1/accounts", key, scheme: "ApiKey")).Status);
        }

        var calls = await cluster.Redis.CommandCallsAsync();
        Assert.Equal(4, calls.GetValueOrDefault("evalsha") + calls.GetValueOrDefault("eval"));

        Assert.Equal(204, (await SendAsync(cluster.A, "127.0.32.1", "DELETE", $"/api/v1/api-keys/{id}", admin)).Status);
        var watch = Stopwatch.StartNew();
        var status = await PollAsync(() => SendAsync(cluster.B, "127.0.32.2", "GET", "/api/v1/accounts", key, scheme: "ApiKey"), 401);
        Assert.True(status == 401, $"B still answered {status} {watch.ElapsedMilliseconds} ms after the revocation on A");
        Assert.Equal(200, (await SendAsync(cluster.B, "127.0.32.2", "GET", "/api/v1/accounts", admin)).Status);
    }

    /// <summary>Repeats <paramref name="send"/> every 50 ms until it answers <paramref name="expected"/> or 1 s passed.</summary>
    private static async Task<int> PollAsync(Func<Task<RawResponse>> send, int expected)
    {
        var watch = Stopwatch.StartNew();
        int status;
        do
        {
            status = (await send()).Status;
            if (status == expected)
            {
                return status;
            }

            await Task.Delay(50);
        }
        while (watch.Elapsed < Propagation);

        return status;
    }

    internal static async Task<string> LoginAsync(ApiProcess api, string sourceIp, string role)
    {
        var body = $$"""{"tenant":"demo","email":"{{role}}@demo.example","password":"{{BulwarkApiFactory.DemoPassword}}"}""";
        var response = await SendAsync(api, sourceIp, "POST", "/api/v1/auth/login", null, body);
        Assert.True(response.Status == 200, $"login as {role} got {response.Status}: {response.Body}");
        return JsonDocument.Parse(response.Body).RootElement.GetProperty("accessToken").GetString()!;
    }

    internal static Task<RawResponse> SendAsync(ApiProcess api, string sourceIp, string method, string path, string? token, string? body = null,
        string scheme = "Bearer", string? headers = null)
    {
        var request = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n").Append(headers);
        if (token is not null)
        {
            request.Append("Authorization: ").Append(scheme).Append(' ').Append(token).Append("\r\n");
        }

        if (body is not null)
        {
            request.Append("Content-Type: application/json\r\nContent-Length: ")
                .Append(Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }
        else if (method != "GET")
        {
            request.Append("Content-Length: 0\r\n");
        }

        request.Append("\r\n").Append(body);
        return RawHttp.SendFromAsync(IPAddress.Parse(sourceIp), api.Port, request.ToString());
    }

    private static string Subject(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.GetProperty("sub").GetString()!;
    }
}
