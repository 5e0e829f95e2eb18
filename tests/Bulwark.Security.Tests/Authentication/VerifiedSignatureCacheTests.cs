using System.Security.Claims;
using System.Security.Cryptography;
using Bulwark.Security.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Security.Tests.Authentication;

/// <summary>
/// AUTH-4 / issue 7: a token's ECDSA check is skipped only for the exact bytes that verified before, under a key that
/// still validates; every other check still runs on every validation.
/// </summary>
[Trait("Control", "AUTH-4")]
public sealed class VerifiedSignatureCacheTests : IDisposable
{
    private const string Issuer = "https://bulwark.test";
    private const string Audience = "bulwark-api";
    private readonly ECDsaSecurityKey _key = NewKey("k1");
    private readonly List<SecurityKey> _validating = [];
    private readonly VerifiedSignatureCache _cache;

    public VerifiedSignatureCacheTests()
    {
        _validating.Add(_key);
        _cache = new VerifiedSignatureCache(() => _validating, TimeProvider.System);
    }

    [Fact]
    public async Task TheSameToken_VerifiesOnce_AndStillValidatesWithItsClaims()
    {
        var token = Sign(_key);

        var first = await _cache.ValidateTokenAsync(token, Parameters());
        var second = await _cache.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid, first.Exception?.Message);
        Assert.True(second.IsValid, second.Exception?.Message);
        Assert.Equal(1, _cache.Hits);
        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Same(_key, second.SecurityToken.SigningKey);
    }

    [Fact]
    public async Task AChangedSignature_OfACachedToken_IsVerifiedAndRefused()
    {
        var token = Sign(_key);
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);
        var dot = token.LastIndexOf('.');
        var signature = token[(dot + 1)..].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        var forged = token[..(dot + 1)] + new string(signature);

        var result = await _cache.ValidateTokenAsync(forged, Parameters());

        Assert.False(result.IsValid);
        Assert.Equal(0, _cache.Hits);
    }

    [Fact]
    public async Task AnotherKeysToken_IsRefused_EvenAfterALegitimateOneWasCached()
    {
        Assert.True((await _cache.ValidateTokenAsync(Sign(_key), Parameters())).IsValid);

        var result = await _cache.ValidateTokenAsync(Sign(NewKey("k1")), Parameters());   // same kid, other key

        Assert.False(result.IsValid);
        Assert.Equal(0, _cache.Hits);
    }

    [Fact]
    public async Task ACachedToken_IsRefused_OnceItsKeyNoLongerValidates()
    {
        var token = Sign(_key);
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);

        _validating.Clear();
        _validating.Add(NewKey("k2"));
        var result = await _cache.ValidateTokenAsync(token, Parameters());

        Assert.False(result.IsValid);
        Assert.Equal(0, _cache.Hits);
    }

    [Fact]
    public async Task EveryHit_GetsAFreshIdentity_SoWhatOneRequestAddsNeverReachesAnother()
    {
        var token = Sign(_key);
        var first = await _cache.ValidateTokenAsync(token, Parameters());
        first.ClaimsIdentity.AddClaim(new System.Security.Claims.Claim("roles", "admin"));

        var second = await _cache.ValidateTokenAsync(token, Parameters());
        second.ClaimsIdentity.AddClaim(new System.Security.Claims.Claim("roles", "admin"));
        var third = await _cache.ValidateTokenAsync(token, Parameters());

        Assert.Equal(2, _cache.Hits);
        Assert.NotSame(second.ClaimsIdentity, third.ClaimsIdentity);
        Assert.Null(third.ClaimsIdentity.FindFirst("roles"));
        Assert.Equal("user-1", third.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal(first.ClaimsIdentity.NameClaimType, third.ClaimsIdentity.NameClaimType);
        Assert.Equal(first.ClaimsIdentity.AuthenticationType, third.ClaimsIdentity.AuthenticationType);
        Assert.IsAssignableFrom<CaseSensitiveClaimsIdentity>(third.ClaimsIdentity);
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task AHit_CarriesTheCallerReadFromItsClaims_ReadOncePerToken()
    {
        var token = Sign(_key, CallerClaims());
        var full = await _cache.ValidateTokenAsync(token, Parameters());
        var expected = CallerContext.From(new ClaimsPrincipal(full.ClaimsIdentity))!;

        var first = CallerContext.From(new ClaimsPrincipal((await _cache.ValidateTokenAsync(token, Parameters())).ClaimsIdentity));
        var second = CallerContext.From(new ClaimsPrincipal((await _cache.ValidateTokenAsync(token, Parameters())).ClaimsIdentity));

        Assert.Equal(2, _cache.Hits);
        Assert.NotNull(first);
        Assert.Same(first, second);   // carried, not read again
        Assert.Equal((expected.UserId, expected.TenantId, expected.SessionId), (first.UserId, first.TenantId, first.SessionId));
        Assert.Equal(["admin", "auditor"], first.Roles);
        Assert.Equal(expected.Roles, first.Roles);
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task ACarriedCaller_IsNotUsed_OnceTheClaimsChangeOrAnotherIdentityJoins()
    {
        var token = Sign(_key, CallerClaims());
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);
        var carried = CallerContext.From(new ClaimsPrincipal((await _cache.ValidateTokenAsync(token, Parameters())).ClaimsIdentity))!;

        var added = (await _cache.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;
        added.AddClaim(new Claim(BulwarkClaims.Roles, "owner"));
        var removed = (await _cache.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;
        removed.RemoveClaim(removed.FindFirst(c => c.Type == BulwarkClaims.Roles && c.Value == "auditor"));
        var joined = new ClaimsPrincipal((await _cache.ValidateTokenAsync(token, Parameters())).ClaimsIdentity);
        joined.AddIdentity(new ClaimsIdentity([new Claim(BulwarkClaims.Roles, "guest")], "other"));

        Assert.Equal(["admin", "auditor", "owner"], CallerContext.From(new ClaimsPrincipal(added))!.Roles);
        Assert.Equal(["admin"], CallerContext.From(new ClaimsPrincipal(removed))!.Roles);
        Assert.Equal(["admin", "auditor", "guest"], CallerContext.From(joined)!.Roles);
        Assert.Equal(["admin", "auditor"], carried.Roles);   // the carried caller itself is never changed
    }

    [Fact]
    public async Task ACachedToken_IsNotAHit_OncePastItsExpiryByTheApplicationsClock()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        using var cache = new VerifiedSignatureCache(() => _validating, clock);
        var token = Sign(_key);
        Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(1, cache.Hits);

        clock.Advance(TimeSpan.FromMinutes(16));   // the token says 15
        await cache.ValidateTokenAsync(token, Parameters());   // validated in full (the library keeps its own clock)

        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public async Task OnAHit_AudienceIssuerAndTypeAreStillChecked()
    {
        var token = Sign(_key);
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);

        var otherAudience = Parameters();
        otherAudience.ValidAudience = "someone-else";
        var otherIssuer = Parameters();
        otherIssuer.ValidIssuer = "https://evil.test";
        var otherType = Parameters();
        otherType.ValidTypes = ["JWT"];

        Assert.False((await _cache.ValidateTokenAsync(token, otherAudience)).IsValid);
        Assert.False((await _cache.ValidateTokenAsync(token, otherIssuer)).IsValid);
        Assert.False((await _cache.ValidateTokenAsync(token, otherType)).IsValid);
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    public void Dispose() => _cache.Dispose();

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidTypes = [BulwarkClaims.AccessTokenType],
        IssuerSigningKeyResolver = (_, _, _, _) => _validating,
    };

    private static Dictionary<string, object> CallerClaims() => new()
    {
        [BulwarkClaims.Subject] = Guid.NewGuid().ToString(),
        [BulwarkClaims.Tenant] = Guid.NewGuid().ToString(),
        [BulwarkClaims.Roles] = new[] { "admin", "auditor" },
        [BulwarkClaims.SessionId] = Guid.NewGuid().ToString("N"),
    };

    private static string Sign(ECDsaSecurityKey key, Dictionary<string, object>? claims = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        TokenType = BulwarkClaims.AccessTokenType,
        Expires = DateTime.UtcNow.AddMinutes(15),
        Claims = claims ?? new Dictionary<string, object> { ["sub"] = "user-1" },
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
    });

    private static ECDsaSecurityKey NewKey(string kid) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };
}
