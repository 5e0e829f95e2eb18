using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-4/AUTH-10: JWT bearer validation pinned to ES256, <c>typ: at+jwt</c>, one issuer, one audience,
/// required expiry and at most 30 s of skew. Keys come only from <see cref="SigningKeyStore"/>:
/// <c>jku</c>/<c>x5u</c>/<c>jwk</c> headers are never consulted. Failure reasons stay out of the
/// response (<c>IncludeErrorDetails = false</c>); tokens are read from the Authorization header only,
/// never from the query string.
/// </summary>
internal sealed class JwtBearerSetup(SigningKeyStore keys, VerifiedSignatureCache verifiedTokens, IOptions<JwtOptions> jwtOptions)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var jwt = jwtOptions.Value;
        options.IncludeErrorDetails = false;
        options.MapInboundClaims = false;
        options.RequireHttpsMetadata = true;
        options.SaveToken = false;
        // AUTH-4: the library's JWT handler, skipping only the repeated ECDSA check of bytes it already verified.
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(verifiedTokens);
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = jwt.Issuer,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromSeconds(jwt.ClockSkewSeconds),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [BulwarkClaims.AccessTokenType],
            IssuerSigningKeyResolver = (_, _, _, _) => keys.ValidationKeys,
            NameClaimType = BulwarkClaims.Subject,
            RoleClaimType = BulwarkClaims.Roles,
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}
