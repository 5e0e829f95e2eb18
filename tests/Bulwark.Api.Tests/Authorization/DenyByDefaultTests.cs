using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Authorization;

/// <summary>
/// AZ-1: every endpoint of the running app needs an authenticated principal unless it is in the short,
/// explicit anonymous list below. The endpoints are enumerated from the app itself, so a new endpoint
/// that forgets authorization fails this test.
/// </summary>
[Trait("Control", "AZ-1")]
public sealed partial class DenyByDefaultTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    /// <summary>The whole anonymous surface. Adding to it is a security decision.</summary>
    private static readonly HashSet<string> Anonymous =
    [
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/refresh", // AUTH-5: the refresh token is the credential
        "POST /api/v1/auth/login/mfa", // AUTH-8: the login's challenge token (+ code) is the credential
        "POST /api/v1/auth/login/mfa/enroll", // AUTH-8: ditto, for a user who must enroll before the first code
        "GET /health/live",
        "GET /health/ready",
        "GET /.well-known/jwks.json",
        "GET /openapi/{documentName}.json", // Development only (see OpenApiTests)
    ];

    private IReadOnlyList<(string Method, string Pattern)> Endpoints()
    {
        _ = api.Server;
        var sources = api.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()
            .ToList();
    }

    [Fact]
    public void TheAppHasTheExpectedSurface()
    {
        var endpoints = Endpoints().Select(e => $"{e.Method} {e.Pattern}").ToList();
        Assert.True(endpoints.Count >= 10, string.Join('\n', endpoints));
        foreach (var anonymous in Anonymous)
        {
            Assert.Contains(anonymous, endpoints);
        }
    }

    [Fact]
    public async Task EveryEndpointOutsideTheAnonymousList_Answers401WithoutCredentials()
    {
        using var client = api.CreateClient();
        var checkedCount = 0;
        foreach (var (method, pattern) in Endpoints())
        {
            if (Anonymous.Contains($"{method} {pattern}"))
            {
                continue;
            }

            var url = RouteParameter().Replace(pattern, match => match.Value.Contains(":guid", StringComparison.Ordinal) || match.Value.Contains("id", StringComparison.OrdinalIgnoreCase)
                ? Guid.NewGuid().ToString()
                : "x");
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized,
                $"{method} {pattern} answered {(int)response.StatusCode} without credentials");
            checkedCount++;
        }

        Assert.True(checkedCount >= 25, $"only {checkedCount} protected endpoints found");
    }

    [Fact]
    public async Task AnonymousEndpoints_AnswerWithoutCredentials()
    {
        using var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/.well-known/jwks.json")).StatusCode);
        using var login = await client.PostAsync("/api/v1/auth/login",
            new StringContent("""{"tenant":"demo","email":"admin@demo.example","password":"Bulwark-Demo-2026!"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var refreshToken = System.Text.Json.JsonDocument.Parse(await login.Content.ReadAsStringAsync()).RootElement
            .GetProperty("refreshToken").GetString();
        using var refresh = await client.PostAsync("/api/v1/auth/refresh",
            new StringContent($$"""{"refreshToken":"{{refreshToken}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
    }

    [Fact]
    public void OnlyListedEndpointsAllowAnonymous()
    {
        _ = api.Server;
        var sources = api.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        var anonymous = sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .ToHashSet();
        Assert.Subset(Anonymous, anonymous);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
