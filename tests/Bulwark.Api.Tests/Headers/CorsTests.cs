using System.Net;

namespace Bulwark.Api.Tests.Headers;

/// <summary>The app with a configured CORS allow-list (HDR-3).</summary>
public sealed class CorsApiFactory : BulwarkApiFactory
{
    public const string AllowedOrigins = "https://app.example,https://admin.example";

    public CorsApiFactory()
        : base(TestProvider.Sqlite)
    {
        ExtraSettings["ALLOWED_ORIGINS"] = AllowedOrigins;
    }
}

/// <summary>A host with arbitrary settings, for start-up checks.</summary>
public sealed class ConfiguredApiFactory : BulwarkApiFactory
{
    public ConfiguredApiFactory(IReadOnlyDictionary<string, string?> settings)
        : base(TestProvider.Sqlite)
    {
        foreach (var (key, value) in settings)
        {
            ExtraSettings[key] = value;
        }
    }
}

/// <summary>
/// HDR-3: only the exact configured origins get CORS headers (with credentials); look-alikes get none,
/// and a configuration that would let any origin in refuses to start.
/// </summary>
public sealed class CorsTests(CorsApiFactory api) : IClassFixture<CorsApiFactory>
{
    /// <summary>
    /// Near misses of https://app.example. "https://APP.example" is refused too: the Origin header is the
    /// serialized origin, whose host browsers always send lower-cased (RFC 6454 §4 and §6.2, and the
    /// Fetch standard's byte-for-byte CORS check), so no browser sends it and exact matching costs
    /// nothing; the configured list itself is normalized to lower case by the framework.
    /// </summary>
    public static TheoryData<string> RefusedOrigins => new()
    {
        "null",
        "https://app.example.evil.com",
        "https://evilapp.example",
        "https://evil.example",
        "http://app.example",
        "https://app.example:8443",
        "https://app.example:443",
        "https://APP.example",
        "https://app.example/",
        "https://app.example.",
        "https://user@app.example",
        "https://app.example%2f.evil.com",
        "https://app.exampleX",
        "*",
    };

    [Theory, Trait("Control", "HDR-3")]
    [InlineData("https://app.example")]
    [InlineData("https://admin.example")]
    public async Task Preflight_FromAnAllowedOrigin_AllowsExactlyThatOriginWithCredentials(string origin)
    {
        using var client = api.CreateClient();
        using var response = await client.SendAsync(Preflight(origin, "POST", "authorization,content-type"));
        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK, $"got {(int)response.StatusCode}");
        Assert.Equal([origin], SecurityHeadersAssert.Values(response, "Access-Control-Allow-Origin"));
        Assert.Equal(["true"], SecurityHeadersAssert.Values(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", string.Join(",", SecurityHeadersAssert.Values(response, "Vary")), StringComparison.Ordinal);
        var methods = string.Join(",", SecurityHeadersAssert.Values(response, "Access-Control-Allow-Methods"));
        Assert.Contains("POST", methods, StringComparison.Ordinal);
        var headers = string.Join(",", SecurityHeadersAssert.Values(response, "Access-Control-Allow-Headers"));
        Assert.Contains("Authorization", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Type", headers, StringComparison.OrdinalIgnoreCase);
    }

    [Theory, Trait("Control", "HDR-3")]
    [InlineData("https://app.example")]
    [InlineData("https://admin.example")]
    public async Task SimpleRequest_FromAnAllowedOrigin_AllowsExactlyThatOriginWithCredentials(string origin)
    {
        using var client = await api.ClientForAsync("admin");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([origin], SecurityHeadersAssert.Values(response, "Access-Control-Allow-Origin"));
        Assert.Equal(["true"], SecurityHeadersAssert.Values(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", string.Join(",", SecurityHeadersAssert.Values(response, "Vary")), StringComparison.Ordinal);
    }

    [Theory, Trait("Control", "HDR-3"), Trait("Control", "ERR-1")]
    [InlineData(null, "/api/v1/items", HttpStatusCode.Unauthorized)]
    [InlineData("admin", "/api/v1/items?debug=1", HttpStatusCode.BadRequest)]
    [InlineData("admin", "/api/v1/nothing", HttpStatusCode.NotFound)]
    public async Task ErrorResponse_ToAnAllowedOrigin_KeepsTheCorsGrantSoTheProblemIsReadable(string? role, string path, HttpStatusCode status)
    {
        using var client = role is null ? api.CreateClient() : await api.ClientForAsync(role);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Origin", "https://app.example");
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, status);
        Assert.Equal(["https://app.example"], SecurityHeadersAssert.Values(response, "Access-Control-Allow-Origin"));
        Assert.Equal(["true"], SecurityHeadersAssert.Values(response, "Access-Control-Allow-Credentials"));
    }

    [Theory, MemberData(nameof(RefusedOrigins)), Trait("Control", "HDR-3")]
    public async Task Preflight_FromAnyOtherOrigin_GetsNoCorsHeaders(string origin)
    {
        using var client = api.CreateClient();
        using var response = await client.SendAsync(Preflight(origin, "POST", "authorization,content-type"));
        AssertNoCorsHeaders(response, origin);
    }

    [Theory, MemberData(nameof(RefusedOrigins)), Trait("Control", "HDR-3")]
    public async Task SimpleRequest_FromAnyOtherOrigin_GetsNoCorsHeaders(string origin)
    {
        using var client = await api.ClientForAsync("admin");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // CORS is enforced by the browser; the server only withholds the grant
        AssertNoCorsHeaders(response, origin);
    }

    /// <summary>
    /// The framework answers a preflight with the policy's lists and leaves the verdict to the browser
    /// (Fetch): an unlisted method or header must simply not be among the granted ones.
    /// </summary>
    [Theory, Trait("Control", "HDR-3")]
    [InlineData("TRACE", "content-type")]
    [InlineData("CONNECT", "content-type")]
    [InlineData("POST", "x-evil-header")]
    [InlineData("POST", "cookie")]
    public async Task Preflight_FromAnAllowedOriginForAnUnlistedMethodOrHeader_DoesNotGrantIt(string method, string header)
    {
        using var client = api.CreateClient();
        using var response = await client.SendAsync(Preflight("https://app.example", method, header));
        var methods = Tokens(SecurityHeadersAssert.Values(response, "Access-Control-Allow-Methods"));
        var headers = Tokens(SecurityHeadersAssert.Values(response, "Access-Control-Allow-Headers"));
        Assert.DoesNotContain("*", methods);
        Assert.DoesNotContain("*", headers);
        if (method == "POST")
        {
            Assert.DoesNotContain(header, headers, StringComparer.OrdinalIgnoreCase);
        }
        else
        {
            Assert.DoesNotContain(method, methods, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>Values that would let any page in (with credentials) or are not an origin at all.</summary>
    public static TheoryData<string> DangerousConfigurations => new()
    {
        "null",
        "*",
        "https://*.example",
        "https://app.example,null",
        "https://app.example/path",
        "app.example",
        "ftp://app.example",
        "https://user:pw@app.example",
    };

    [Theory, MemberData(nameof(DangerousConfigurations)), Trait("Control", "HDR-3"), Trait("Control", "OPS-4")]
    public async Task StartUp_WithADangerousAllowList_Fails(string origins)
    {
        var factory = new ConfiguredApiFactory(new Dictionary<string, string?> { ["ALLOWED_ORIGINS"] = origins });
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => factory.InitializeAsync());
            Assert.Contains("ALLOWED_ORIGINS", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }
    }

    [Fact, Trait("Control", "HDR-3")]
    public async Task StartUp_WithAnExactAllowList_Succeeds()
    {
        var factory = new ConfiguredApiFactory(new Dictionary<string, string?> { ["ALLOWED_ORIGINS"] = "https://app.example https://x.example:8443" });
        try
        {
            await factory.InitializeAsync();
            using var client = factory.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
            request.Headers.TryAddWithoutValidation("Origin", "https://x.example:8443");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["https://x.example:8443"], SecurityHeadersAssert.Values(response, "Access-Control-Allow-Origin"));
        }
        finally
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }
    }

    [Fact, Trait("Control", "HDR-3")]
    public async Task RealHost_WithAWildcardAllowList_ExitsInsteadOfServing()
    {
        var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        await using var _ = database;
        var settings = database.Settings();
        settings["ALLOWED_ORIGINS"] = "*";
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ApiProcess.StartAsync(settings, timeout: TimeSpan.FromSeconds(150)));
        Assert.Contains("API exited", error.Message, StringComparison.Ordinal);
        Assert.Contains("ALLOWED_ORIGINS", error.Message, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Preflight(string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/items");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", method);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", headers);
        return request;
    }

    private static List<string> Tokens(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();

    private static void AssertNoCorsHeaders(HttpResponseMessage response, string context)
    {
        var cors = response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}")
            .ToList();
        Assert.True(cors.Count == 0, $"{context}: unexpected CORS headers {string.Join("; ", cors)}");
    }
}
