using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// AUTH-4/AUTH-10: every claim and header check of the bearer handler bites, and a correctly signed,
/// current token still works. Tokens are signed with the instance's own key where the attack needs it.
/// </summary>
[Trait("Control", "AUTH-4")]
public sealed class JwtValidationTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    private async Task<(ECDsa Key, JsonElement Me)> InstanceKeyAndUserAsync()
    {
        var token = await api.TokenForAsync("admin");
        return (TokenForge.LoadInstanceKey(api.Services), TokenForge.Decode(token));
    }

    private async Task<HttpResponseMessage> GetItemsWithAsync(string token)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static async Task AssertRejectedAsync(HttpResponseMessage response)
    {
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        // AUTH-10: the challenge names the scheme and nothing about which check failed.
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Null(challenge.Parameter);
    }

    [Fact]
    public async Task Forged_WithInstanceKeyAndValidClaims_IsAccepted()
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        using var response = await GetItemsWithAsync(TokenForge.SignEs256(TokenForge.Header(key), TokenForge.Claims(me), key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RealLoginToken_IsAcceptedAndCarriesTheRfc9068Claims()
    {
        var token = await api.TokenForAsync("admin");
        var header = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token.Split('.')[0])).RootElement;
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.False(string.IsNullOrEmpty(header.GetProperty("kid").GetString()));
        var claims = TokenForge.Decode(token);
        foreach (var name in new[] { "sub", "tenant", "roles", "jti", "sid", "iss", "aud", "exp", "iat" })
        {
            Assert.True(claims.TryGetProperty(name, out _), $"missing claim {name}");
        }

        Assert.Equal(15 * 60, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        using var response = await GetItemsWithAsync(token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AlgNone_IsRejected()
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        var header = TokenForge.Header(key);
        header["alg"] = "none";
        using var response = await GetItemsWithAsync(TokenForge.Unsigned(header, TokenForge.Claims(me)));
        await AssertRejectedAsync(response);
    }

    [Fact]
    public async Task SignedWithAnotherKey_IsRejected()
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // Same kid as the real key, attacker's signature.
        using var response = await GetItemsWithAsync(TokenForge.SignEs256(TokenForge.Header(key), TokenForge.Claims(me), attacker));
        await AssertRejectedAsync(response);
    }

    [Fact]
    public async Task TamperedPayload_IsRejected()
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        var token = TokenForge.SignEs256(TokenForge.Header(key), TokenForge.Claims(me), key);
        var parts = token.Split('.');
        var claims = TokenForge.Claims(me);
        claims["roles"] = new[] { "admin", "auditor" };
        var forged = TokenForge.SignEs256(TokenForge.Header(key), claims, key).Split('.')[1];
        using var response = await GetItemsWithAsync(parts[0] + "." + forged + "." + parts[2]);
        await AssertRejectedAsync(response);
    }

    [Fact]
    public async Task HmacSignedWithThePublicKey_AlgorithmConfusion_IsRejected()
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        var header = TokenForge.Header(key);
        header["alg"] = "HS256";
        var publicKeyBytes = Encoding.ASCII.GetBytes(key.ExportSubjectPublicKeyInfoPem());
        using var response = await GetItemsWithAsync(TokenForge.SignHs256(header, TokenForge.Claims(me), publicKeyBytes));
        await AssertRejectedAsync(response);
    }

    [Theory]
    [InlineData("jwk")]
    [InlineData("jku")]
    [InlineData("x5u")]
    public async Task AttackerKeyAnnouncedInHeader_IsNeverTrusted(string headerName)
    {
        var (_, me) = await InstanceKeyAndUserAsync();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var header = TokenForge.Header(attacker);
        var parameters = attacker.ExportParameters(false);
        header[headerName] = headerName == "jwk"
            ? new Dictionary<string, string>
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(parameters.Q.X),
                ["y"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(parameters.Q.Y),
            }
            : "http://127.0.0.1:9/keys.json";
        using var response = await GetItemsWithAsync(TokenForge.SignEs256(header, TokenForge.Claims(me), attacker));
        await AssertRejectedAsync(response);
    }

    [Theory]
    [InlineData("iss", "someone-else")]
    [InlineData("aud", "another-api")]
    public async Task WrongIssuerOrAudience_IsRejected(string claim, string value)
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        var claims = TokenForge.Claims(me);
        claims[claim] = value;
        using var response = await GetItemsWithAsync(TokenForge.SignEs256(TokenForge.Header(key), claims, key));
        await AssertRejectedAsync(response);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("id+jwt")]
    public async Task WrongTokenType_IsRejected(string typ)
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        using var response = await GetItemsWithAsync(TokenForge.SignEs256(TokenForge.Header(key, typ), TokenForge.Claims(me), key));
        await AssertRejectedAsync(response);
    }

    [Fact]
    public async Task ExpiredBeyondTheSkew_IsRejected_WithinTheSkew_IsAccepted()
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        using var expired = await GetItemsWithAsync(
            TokenForge.SignEs256(TokenForge.Header(key), TokenForge.Claims(me, TimeSpan.FromSeconds(-45)), key));
        await AssertRejectedAsync(expired);

        using var withinSkew = await GetItemsWithAsync(
            TokenForge.SignEs256(TokenForge.Header(key), TokenForge.Claims(me, TimeSpan.FromSeconds(-10)), key));
        Assert.Equal(HttpStatusCode.OK, withinSkew.StatusCode);
    }

    [Fact]
    public async Task MissingExpiry_IsRejected()
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        var claims = TokenForge.Claims(me);
        claims.Remove("exp");
        using var response = await GetItemsWithAsync(TokenForge.SignEs256(TokenForge.Header(key), claims, key));
        await AssertRejectedAsync(response);
    }

    [Fact]
    public async Task NotYetValid_IsRejected()
    {
        var (key, me) = await InstanceKeyAndUserAsync();
        var claims = TokenForge.Claims(me, TimeSpan.FromHours(2));
        claims["nbf"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        using var response = await GetItemsWithAsync(TokenForge.SignEs256(TokenForge.Header(key), claims, key));
        await AssertRejectedAsync(response);
    }

    [Theory, Trait("Control", "AUTH-10")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("")]
    public async Task Garbage_IsRejected(string token)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await client.SendAsync(request);
        await AssertRejectedAsync(response);
    }

    [Fact, Trait("Control", "AUTH-10")]
    public async Task TokenInQueryString_IsIgnored()
    {
        var token = await api.TokenForAsync("admin");
        using var client = api.CreateClient();
        using var response = await client.GetAsync("/api/v1/items?access_token=" + token);
        await AssertRejectedAsync(response);
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task TenantClaim_DecidesTheData_RivalTokenSeesRivalOnly()
    {
        using var demo = await api.ClientForAsync("admin");
        using var rival = await api.ClientForAsync("admin", "rival");
        var demoSkus = JsonDocument.Parse(await demo.GetStringAsync("/api/v1/items?pageSize=100")).RootElement
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sku").GetString()!).ToList();
        var rivalSkus = JsonDocument.Parse(await rival.GetStringAsync("/api/v1/items?pageSize=100")).RootElement
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sku").GetString()!).ToList();
        Assert.NotEmpty(demoSkus);
        Assert.NotEmpty(rivalSkus);
        Assert.Empty(demoSkus.Intersect(rivalSkus));
        Assert.All(demoSkus, s => Assert.StartsWith("DEMO-", s, StringComparison.Ordinal));
    }

    [Fact, Trait("Control", "AUTH-2")]
    public async Task Login_WrongPasswordAndUnknownUser_LookTheSame()
    {
        using var client = api.CreateClient();
        using var wrong = await client.PostAsync("/api/v1/auth/login", Json(new { tenant = "demo", email = "admin@demo.example", password = "wrong-password-123" }));
        using var unknown = await client.PostAsync("/api/v1/auth/login", Json(new { tenant = "demo", email = "nobody@demo.example", password = "wrong-password-123" }));
        using var otherTenant = await client.PostAsync("/api/v1/auth/login", Json(new { tenant = "nope", email = "admin@demo.example", password = "wrong-password-123" }));
        var bodies = new List<string>();
        foreach (var response in new[] { wrong, unknown, otherTenant })
        {
            var json = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            bodies.Add(json.GetProperty("detail").GetString() + "|" + json.GetProperty("title").GetString());
        }

        Assert.Single(bodies.Distinct());
    }

    private static StringContent Json(object value) =>
        new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
