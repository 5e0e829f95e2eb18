using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Bulwark.Api.Tests.Headers;

/// <summary>
/// HDR-1/HDR-2/ERR-3 on every kind of response, and HDR-4 (compression only above the threshold, never
/// for secrets) — in process and over real Kestrel. HSTS is asserted absent here (plain HTTP); the
/// HTTPS side comes with the TLS tests.
/// </summary>
public abstract class SecurityHeadersTests
{
    protected abstract HttpClient CreateClient();

    protected abstract Task<HttpClient> ClientForAsync(string role);

    public static TheoryData<string, HttpStatusCode> Responses => new()
    {
        { "liveness", HttpStatusCode.OK },
        { "jwks", HttpStatusCode.OK },
        { "openapi", HttpStatusCode.OK },
        { "list", HttpStatusCode.OK },
        { "login", HttpStatusCode.OK },
        { "create", HttpStatusCode.Created },
        { "validation error", HttpStatusCode.BadRequest },
        { "no token", HttpStatusCode.Unauthorized },
        { "unknown route", HttpStatusCode.NotFound },
        { "wrong method", HttpStatusCode.MethodNotAllowed },
        { "body over the limit", HttpStatusCode.RequestEntityTooLarge },
        { "wrong content type", HttpStatusCode.UnsupportedMediaType },
    };

    [Theory, MemberData(nameof(Responses)), Trait("Control", "HDR-1"), Trait("Control", "HDR-2"), Trait("Control", "ERR-3")]
    public async Task Response_CarriesEverySecurityHeaderAndNoBanner(string @case, HttpStatusCode status)
    {
        using var response = await SendAsync(@case).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(status == response.StatusCode, $"{@case}: expected {(int)status}, got {(int)response.StatusCode}");
        SecurityHeadersAssert.PlainHttp(response, @case);
    }

    [Fact, Trait("Control", "HDR-4")]
    public async Task LargeList_WithAcceptEncoding_IsCompressed()
    {
        using var client = await ClientForAsync("admin");
        for (var i = 0; i < 5; i++)
        {
            using var created = await client.PostAsJsonAsync("/api/v1/items", new
            {
                sku = "Z-" + Guid.NewGuid().ToString("N")[..8], name = "Compressible " + new string('z', 150), unit = "pcs", unitCost = 1,
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items?pageSize=100");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var encoding = Assert.Single(response.Content.Headers.ContentEncoding);
        Assert.Contains(encoding, new[] { "br", "gzip" });

        var json = Decompress(encoding, await response.Content.ReadAsByteArrayAsync());
        Assert.True(json.Length > 1024, $"the list should be over the threshold, was {json.Length} bytes");
        var items = JsonDocument.Parse(json).RootElement.GetProperty("items");
        Assert.True(items.GetArrayLength() >= 5);
        SecurityHeadersAssert.PlainHttp(response, "compressed list");
    }

    [Fact, Trait("Control", "HDR-4")]
    public async Task SmallList_WithAcceptEncoding_IsNotCompressed()
    {
        using var client = await ClientForAsync("admin");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items?pageSize=1");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(Encoding.UTF8.GetByteCount(body) < 1024, $"expected a small page, got {body.Length} chars");
        Assert.Equal(Encoding.UTF8.GetByteCount(body), response.Content.Headers.ContentLength);
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact, Trait("Control", "HDR-4")]
    public async Task SmallError_OnACompressibleEndpoint_IsNotCompressed()
    {
        using var client = await ClientForAsync("admin");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items?sort=nope");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var response = await client.SendAsync(request);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        await ProblemAssert.IsValidationProblemAsync(response, "sort", "enum");
    }

    [Theory, Trait("Control", "HDR-4")]
    [InlineData("login")]
    [InlineData("jwks")]
    [InlineData("single item")]
    public async Task SecretsAndNonListResponses_AreNeverCompressed(string @case)
    {
        using var client = await ClientForAsync("admin");
        HttpRequestMessage request;
        switch (@case)
        {
            case "login":
                request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
                {
                    Content = JsonContent.Create(new { tenant = "demo", email = "admin@demo.example", password = BulwarkApiFactory.DemoPassword }),
                };
                break;
            case "jwks":
                request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json");
                break;
            default:
                using (var created = await client.PostAsJsonAsync("/api/v1/items", new
                       {
                           sku = "L-" + Guid.NewGuid().ToString("N")[..8], name = "Long", unit = "pcs", unitCost = 1,
                           description = "<p>" + new string('x', 4000) + "</p>",
                       }))
                {
                    var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
                    request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/items/{id}");
                }

                break;
        }

        using (request)
        {
            request.Headers.AcceptEncoding.ParseAdd("gzip, br");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(response.Content.Headers.ContentEncoding);
            var body = await response.Content.ReadAsStringAsync();
            var json = JsonDocument.Parse(body).RootElement; // readable as is: not compressed
            if (@case == "login")
            {
                Assert.False(string.IsNullOrEmpty(json.GetProperty("accessToken").GetString()));
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string @case)
    {
        var anonymous = CreateClient();
        switch (@case)
        {
            case "liveness":
                return await anonymous.GetAsync("/health/live");
            case "jwks":
                return await anonymous.GetAsync("/.well-known/jwks.json");
            case "openapi":
                return await anonymous.GetAsync("/openapi/v1.json");
            case "login":
                return await anonymous.PostAsJsonAsync("/api/v1/auth/login",
                    new { tenant = "demo", email = "admin@demo.example", password = BulwarkApiFactory.DemoPassword });
            case "no token":
                return await anonymous.GetAsync("/api/v1/items");
            default:
                break;
        }

        var admin = await ClientForAsync("admin");
        switch (@case)
        {
            case "list":
                return await admin.GetAsync("/api/v1/items");
            case "unknown route":
                return await admin.GetAsync("/no/such/route");
            case "create":
                return await admin.PostAsJsonAsync("/api/v1/items",
                    new { sku = "H-" + Guid.NewGuid().ToString("N")[..8], name = "Headers", unit = "pcs", unitCost = 1 });
            case "validation error":
                return await admin.PostAsync("/api/v1/items", new StringContent("""{"sku":1}""", Encoding.UTF8, "application/json"));
            case "wrong method":
                return await admin.DeleteAsync("/api/v1/items");
            case "body over the limit":
            {
                // Expect: 100-continue lets the server answer before the 2 MB are on the wire.
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/items")
                {
                    Content = new ByteArrayContent(new byte[2 * 1024 * 1024]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                request.Headers.ExpectContinue = true;
                return await admin.SendAsync(request);
            }

            case "wrong content type":
                return await admin.PostAsync("/api/v1/items", new StringContent("<item/>", Encoding.UTF8, "application/xml"));
            default:
                throw new ArgumentOutOfRangeException(nameof(@case), @case, null);
        }
    }

    private static string Decompress(string encoding, byte[] bytes)
    {
        using var input = new MemoryStream(bytes);
        using Stream decompressor = encoding == "br"
            ? new BrotliStream(input, CompressionMode.Decompress)
            : new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(decompressor, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

public sealed class SecurityHeadersInProcessTests(SqliteApiFactory api) : SecurityHeadersTests, IClassFixture<SqliteApiFactory>
{
    protected override HttpClient CreateClient() => api.CreateClient();

    protected override Task<HttpClient> ClientForAsync(string role) => api.ClientForAsync(role);
}

/// <summary>The same over a real Kestrel socket, plus what only the wire shows (raw header lines).</summary>
public sealed class SecurityHeadersKestrelTests(ApiProcessFixture instance) : SecurityHeadersTests, IClassFixture<ApiProcessFixture>
{
    protected override HttpClient CreateClient() => instance.CreateClient();

    protected override Task<HttpClient> ClientForAsync(string role) => instance.ClientForAsync(role);

    /// <summary>Raw requests ({token} is replaced with an admin access token) and the status each gets.</summary>
    public static TheoryData<string, int> RawRequests => new()
    {
        { "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200 },
        { "GET /api/v1/items HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n", 200 },
        { "POST /api/v1/items HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", 400 },
        { "GET /api/v1/items HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 401 },
        { "GET /nothing/here HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n", 404 },
        { "DELETE /api/v1/items HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n", 405 },
        { "POST /api/v1/items HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi", 415 },
        { "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", 400 },
        { "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\n", 413 },
    };

    [Theory, MemberData(nameof(RawRequests)), Trait("Control", "HDR-1"), Trait("Control", "ERR-3")]
    public async Task RawResponse_OnTheWire_HasEverySecurityHeaderAndNoServerBanner(string request, int status)
    {
        if (request.Contains("{token}", StringComparison.Ordinal))
        {
            request = request.Replace("{token}", await instance.TokenForAsync("admin"), StringComparison.Ordinal);
        }

        var response = await RawHttp.SendAsync(instance.Api.Port, request);
        Assert.Equal(status, response.Status);
        SecurityHeadersAssert.PlainHttp(response, request[..request.IndexOf('\r', StringComparison.Ordinal)]);
    }

    [Theory, Trait("Control", "ERR-3")]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET /health/live HTTP/1.1\r\n\r\n")]
    [InlineData("GET /health/live HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n")]
    public async Task KestrelOwnErrors_CarryNoServerBanner(string request)
    {
        var response = await RawHttp.SendAsync(instance.Api.Port, request);
        Assert.Equal(400, response.Status);
        Assert.False(response.Has("Server"), "Server header present");
        Assert.False(response.Has("X-Powered-By"), "X-Powered-By header present");
    }
}
