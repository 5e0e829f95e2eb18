using System.Net;

namespace Bulwark.Api.Tests.Operations;

public sealed class DeprecatedV1Factory : BulwarkApiFactory
{
    public DeprecatedV1Factory()
        : base(TestProvider.Sqlite)
    {
        ExtraSettings["Bulwark:ApiVersions:v1:DeprecatedAt"] = "2026-01-01T00:00:00Z";
        ExtraSettings["Bulwark:ApiVersions:v1:SunsetAt"] = "2099-12-31T00:00:00Z";
        ExtraSettings["Bulwark:ApiVersions:v1:Link"] = "https://docs.example/migrate";
    }
}

public sealed class RetiredV1Factory : BulwarkApiFactory
{
    public RetiredV1Factory()
        : base(TestProvider.Sqlite)
    {
        ExtraSettings["Bulwark:ApiVersions:v1:SunsetAt"] = "2020-01-01T00:00:00Z";
    }
}

/// <summary>OPS-2: a deprecated version announces Deprecation/Sunset/Link; a retired one answers 410; a current one says nothing.</summary>
[Trait("Control", "OPS-2")]
public sealed class ApiVersionTests(DeprecatedV1Factory deprecated, RetiredV1Factory retired, SqliteApiFactory current)
    : IClassFixture<DeprecatedV1Factory>, IClassFixture<RetiredV1Factory>, IClassFixture<SqliteApiFactory>
{
    [Fact]
    public async Task DeprecatedVersion_AnnouncesDeprecationAndSunset()
    {
        using var client = await deprecated.ClientForAsync("admin");
        using var response = await client.GetAsync("/api/v1/items");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("@1767225600", response.Headers.GetValues("Deprecation").Single());
        Assert.Equal("Thu, 31 Dec 2099 00:00:00 GMT", response.Headers.GetValues("Sunset").Single());
        Assert.Contains("rel=\"deprecation\"", response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetiredVersion_Answers410()
    {
        using var client = retired.CreateClient();
        using var login = await client.PostAsync("/api/v1/auth/login",
            new StringContent("""{"tenant":"demo","email":"admin@demo.example","password":"Bulwark-Demo-2026!"}""", System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(login, HttpStatusCode.Gone);
    }

    [Fact]
    public async Task CurrentVersion_HasNoDeprecationHeaders()
    {
        using var client = await current.ClientForAsync("admin");
        using var response = await client.GetAsync("/api/v1/items");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Deprecation"));
        Assert.False(response.Headers.Contains("Sunset"));
    }
}
