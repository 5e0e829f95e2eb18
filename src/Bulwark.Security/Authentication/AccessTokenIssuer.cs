using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Security.Authentication;

/// <summary>AUTH-4: issues ES256 access tokens with <c>typ: at+jwt</c> and the RFC 9068 claims.</summary>
public sealed class AccessTokenIssuer(SigningKeyStore keys, IOptions<JwtOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedAccessToken Issue(Guid userId, Guid tenantId, IReadOnlyCollection<string> roles, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = TimeSpan.FromMinutes(options.Value.AccessTokenMinutes);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            TokenType = BulwarkClaims.AccessTokenType,
            SigningCredentials = keys.SigningCredentials,
            Claims = new Dictionary<string, object>
            {
                [BulwarkClaims.Subject] = userId.ToString(),
                [BulwarkClaims.Tenant] = tenantId.ToString(),
                [BulwarkClaims.Roles] = roles.ToArray(),
                [BulwarkClaims.SessionId] = sessionId,
                [BulwarkClaims.TokenId] = Guid.NewGuid().ToString("N"),
            },
        };
        return new IssuedAccessToken(_handler.CreateToken(descriptor), (int)lifetime.TotalSeconds);
    }
}

/// <summary>A signed access token and its lifetime in seconds.</summary>
public sealed record IssuedAccessToken(string Token, int ExpiresIn);
