using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// AUTH-7 browser mode: <c>cookies: true</c> puts the tokens into <c>__Host-</c> HttpOnly Secure SameSite=Strict
/// cookies and returns a CSRF token instead; a cookie-authenticated unsafe request is refused (403, the session lives)
/// without this session's CSRF token and served with it; a bad cookie is 401; safe methods and header-authenticated requests need none; logout clears the cookies.
/// The client sends the <c>Cookie</c> header by hand (the in-process server speaks http, where a cookie jar would
/// rightly withhold Secure cookies).
/// </summary>
[Trait("Control", "AUTH-7")]
public abstract class CookieModeTests(BulwarkApiFactory api)
{
    private sealed record BrowserLogin(string Cookie, string Csrf, IReadOnlyList<string> SetCookies);

    private HttpClient Client() => api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    private async Task<BrowserLogin> LoginAsync(string role)
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = $"{role}@demo.example", password = BulwarkApiFactory.DemoPassword, cookies = true });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Cookie", json.GetProperty("tokenType").GetString());
        Assert.False(json.TryGetProperty("accessToken", out _));   // script never sees a token
        Assert.False(json.TryGetProperty("refreshToken", out _));
        var setCookies = response.Headers.GetValues("Set-Cookie").ToList();
        var cookie = string.Join("; ", setCookies.Select(c => c.Split(';')[0]));
        return new BrowserLogin(cookie, json.GetProperty("csrfToken").GetString()!, setCookies);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? cookie, string? csrf = null, object? body = null,
        string? bearer = null)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(method, url);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request);
    }

    private static object NewItem() => new { sku = "C-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(), name = "Clip", unit = "pcs", unitCost = 1 };

    [Fact]
    public async Task Login_SetsHostPrefixedHttpOnlyStrictCookies()
    {
        var login = await LoginAsync("inventory");
        Assert.Equal(2, login.SetCookies.Count);
        foreach (var (name, setCookie) in new[] { "__Host-bulwark-access", "__Host-bulwark-refresh" }
                     .Select(n => (n, login.SetCookies.Single(c => c.StartsWith(n + "=", StringComparison.Ordinal)))))
        {
            var attributes = setCookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=strict", attributes);
            Assert.Contains("path=/", attributes);
            Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal));   // __Host- rules
            Assert.Contains(attributes, a => a.StartsWith("max-age=", StringComparison.Ordinal));
            Assert.True(setCookie.Length > name.Length + 40);
        }

        Assert.Matches("^[A-Za-z0-9_-]{43}$", login.Csrf);
    }

    [Fact]
    public async Task UnsafeRequest_WithoutTheCsrfToken_IsRefused_WithItSucceeds()
    {
        var login = await LoginAsync("inventory");
        var other = await LoginAsync("inventory");   // a second session of the same user: its token is not this one's
        using (var read = await SendAsync(HttpMethod.Get, "/api/v1/items?pageSize=1", login.Cookie))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);   // safe methods need no CSRF token
        }

        foreach (var csrf in new[] { null, "", "not-the-token", other.Csrf, login.Csrf.ToUpperInvariant() })
        {
            using var refused = await SendAsync(HttpMethod.Post, "/api/v1/items", login.Cookie, csrf == "" ? null : csrf, NewItem());
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden);   // the credential is good: 403, not 401
            Assert.Empty(refused.Headers.WwwAuthenticate);
        }

        // A tampered access cookie is a bad credential: 401 with the challenge, CSRF token or not.
        var tampered = login.Cookie.Replace("__Host-bulwark-access=", "__Host-bulwark-access=x", StringComparison.Ordinal);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            using var bad = await SendAsync(method, "/api/v1/items", tampered, login.Csrf, method == HttpMethod.Post ? NewItem() : null);
            await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.Unauthorized);
            Assert.Contains(bad.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }

        using (var created = await SendAsync(HttpMethod.Post, "/api/v1/items", login.Cookie, login.Csrf, NewItem()))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // A bearer header wins over the cookie and needs no CSRF token (it cannot be sent cross-site by a browser).
        var bearer = await api.TokenForAsync("inventory");
        using var byHeader = await SendAsync(HttpMethod.Post, "/api/v1/items", login.Cookie, null, NewItem(), bearer);
        Assert.Equal(HttpStatusCode.Created, byHeader.StatusCode);
    }

    [Fact]
    public async Task CookieRefresh_NeedsTheCsrfToken_BeforeAnythingIsSpent_AndRotatesTheCookies()
    {
        var login = await LoginAsync("hr");
        var other = await LoginAsync("hr");
        foreach (var csrf in new[] { null, other.Csrf, "x" })
        {
            using var refused = await SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", login.Cookie, csrf, new { cookies = true });
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden);   // a live session without its CSRF token
        }

        using (var noSession = await SendAsync(HttpMethod.Post, "/api/v1/auth/refresh",
                   "__Host-bulwark-refresh=" + new string('A', 43), login.Csrf, new { cookies = true }))
        {
            await ProblemAssert.IsProblemAsync(noSession, HttpStatusCode.Unauthorized);   // no session behind the cookie
        }

        using (var both = await SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", login.Cookie, login.Csrf,
                   new { cookies = true, refreshToken = "x" }))
        {
            await ProblemAssert.IsValidationProblemAsync(both, "refreshToken");
        }

        // The refused attempts spent nothing: the right token still rotates (no reuse, the family lives).
        using var refreshed = await SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", login.Cookie, login.Csrf, new { cookies = true });
        var body = await refreshed.Content.ReadAsStringAsync();
        Assert.True(refreshed.StatusCode == HttpStatusCode.OK, $"{(int)refreshed.StatusCode} {body}");
        Assert.Equal(login.Csrf, JsonDocument.Parse(body).RootElement.GetProperty("csrfToken").GetString());   // same session
        var rotated = string.Join("; ", refreshed.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        Assert.NotEqual(login.Cookie, rotated);
        using var read = await SendAsync(HttpMethod.Get, "/api/v1/employees?pageSize=1", rotated);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Logout_EndsTheSession_AndClearsTheCookies()
    {
        var login = await LoginAsync("finance");
        using (var refused = await SendAsync(HttpMethod.Post, "/api/v1/auth/logout", login.Cookie))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden);   // logout is unsafe too
        }

        using (var logout = await SendAsync(HttpMethod.Post, "/api/v1/auth/logout", login.Cookie, login.Csrf))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
            var cleared = logout.Headers.GetValues("Set-Cookie").ToList();
            Assert.Contains(cleared, c => c.StartsWith("__Host-bulwark-access=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
            Assert.Contains(cleared, c => c.StartsWith("__Host-bulwark-refresh=;", StringComparison.Ordinal));
        }

        using var after = await SendAsync(HttpMethod.Get, "/api/v1/ledger/trial-balance", login.Cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}

public sealed class CookieModeSqliteTests(SqliteApiFactory api) : CookieModeTests(api), IClassFixture<SqliteApiFactory>;

public sealed class CookieModePostgresTests(PostgresApiFactory api) : CookieModeTests(api), IClassFixture<PostgresApiFactory>;
