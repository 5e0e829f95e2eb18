using System.Net;
using System.Text.Json;

namespace Bulwark.Api.Tests.Docs;

/// <summary>OPS-3: the OpenAPI document lists every API endpoint with its problem responses and the bearer scheme.</summary>
[Trait("Control", "OPS-3")]
public sealed class OpenApiTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    [Fact]
    public async Task Document_DescribesEndpointsErrorsAndSecurity()
    {
        using var client = api.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/items", out var items));
        Assert.True(paths.TryGetProperty("/api/v1/auth/login", out _));
        var post = items.GetProperty("post");
        foreach (var status in new[] { "400", "401", "404", "409", "413", "415", "429", "500" })
        {
            Assert.True(post.GetProperty("responses").TryGetProperty(status, out var problem), $"missing {status}");
            Assert.True(problem.GetProperty("content").TryGetProperty("application/problem+json", out _));
        }

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        // AUTH-9: items admit an API key as an alternative; self-service endpoints do not.
        Assert.Equal("apiKey", schemes.GetProperty("ApiKey").GetProperty("type").GetString());
        var itemSecurity = items.GetProperty("get").GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject()).Select(p => p.Name);
        Assert.Equal(["Bearer", "ApiKey"], itemSecurity);
        Assert.False(paths.GetProperty("/api/v1/auth/sessions").GetProperty("get").TryGetProperty("security", out _));
    }
}
