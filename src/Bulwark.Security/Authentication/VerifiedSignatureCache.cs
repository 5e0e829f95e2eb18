using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-4, issue 7 hot path: the framework's <see cref="JsonWebTokenHandler"/> with one saving — an access token whose
/// exact bytes already passed the library's full validation on this instance (signature, algorithm, <c>typ</c>, issuer,
/// audience, lifetime) is not validated and parsed again: a client sends the same token on every request for up to
/// 15 minutes, and its outcome cannot change before its expiry but for its key leaving the key set, which is checked on
/// every hit. Revocation is checked on every request after it, hit or not (<c>OnTokenValidated</c>).
/// </summary>
/// <remarks>
/// Written here because no served package caches validation results. The key is the SHA-256 of the whole token, so a
/// changed byte anywhere (header, payload or signature) is a different, unvalidated token; only successes are kept,
/// never failures (a forged token costs its full verification every time); an entry ends at the token's expiry (<c>exp</c>,
/// by the application's clock; the skew after it is left to a full validation); a hit counts only while the key that
/// verified it is still one of <see cref="SigningKeyStore.ValidationKeys"/> (a removed key's tokens are verified again —
/// and fail). Each hit gets a new identity built from the claims' snapshot, carrying the caller read once from them
/// (<see cref="SnapshotClaimsIdentity"/>). Bounded: at most <see cref="MaxEntries"/> tokens.
/// </remarks>
internal sealed class VerifiedSignatureCache(Func<IReadOnlyList<SecurityKey>> validationKeys, TimeProvider time)
    : JsonWebTokenHandler, IDisposable
{
    public const int MaxEntries = 100_000;
    private const int MaxStackToken = 4096;

    private readonly MemoryCache _verified = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private long _hits;

    /// <summary>Verifications saved so far (for tests and diagnostics).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        if (string.IsNullOrEmpty(token) || token.Length > MaximumTokenSizeInBytes)
        {
            return await base.ValidateTokenAsync(token, validationParameters);
        }

        var digest = Digest(token);
        var now = time.GetUtcNow();
        if (_verified.TryGetValue(digest, out Verified? known) && known is not null && now < known.Expires
            && SameRules(known.Parameters, validationParameters) && IsStillValidating(known.Key))
        {
            // Issue 7: the same bytes validated in full before, under rules equal in every field that decides the outcome
            // and a key that still validates, before their expiry by this clock: the outcome is the same, so it is answered
            // from the snapshot — a fresh identity per request (nothing a request adds to it reaches another), no parsing.
            Interlocked.Increment(ref _hits);
            return new TokenValidationResult
            {
                IsValid = true,
                SecurityToken = known.Token,
                ClaimsIdentity = new SnapshotClaimsIdentity(known.Claims, known.AuthenticationType, known.NameClaimType, known.RoleClaimType,
                    known.Caller),
            };
        }

        var verified = await base.ValidateTokenAsync(token, validationParameters);
        if (verified.IsValid && verified.SecurityToken is { SigningKey: { } signingKey } securityToken
            && verified.ClaimsIdentity is { } identity)
        {
            var expires = new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc));
            if (expires > now)
            {
                // Only successes, never failures (a forged token costs its full verification every time).
                Claim[] claims = [.. identity.Claims.Select(c => c.Clone())];
                var caller = CallerContext.From(new ClaimsPrincipal(
                    new CaseSensitiveClaimsIdentity(claims, identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType)));
                var snapshot = new Verified(validationParameters.Clone(), signingKey, securityToken, claims,
                    identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType, expires, caller);
                _verified.Set(digest, snapshot, new MemoryCacheEntryOptions { AbsoluteExpiration = expires, Size = 1 });
            }
        }

        return verified;
    }

    public void Dispose() => _verified.Dispose();

    /// <summary>
    /// The handler passes a fresh copy of the scheme's parameters on every request: a hit needs the rules compared here
    /// (every one <see cref="JwtBearerSetup"/> sets, the lists, the key sources and the validator delegates) to be equal;
    /// anything else is validated in full. Parameters differing only in a setting not listed here would share a hit —
    /// the one scheme that uses this handler never passes such parameters.
    /// </summary>
    private static bool SameRules(TokenValidationParameters a, TokenValidationParameters b) =>
        a.ValidateIssuer == b.ValidateIssuer && a.ValidateAudience == b.ValidateAudience && a.ValidateLifetime == b.ValidateLifetime
        && a.ValidateIssuerSigningKey == b.ValidateIssuerSigningKey && a.ValidateSignatureLast == b.ValidateSignatureLast
        && a.RequireExpirationTime == b.RequireExpirationTime && a.RequireSignedTokens == b.RequireSignedTokens
        && a.RequireAudience == b.RequireAudience && a.ValidateTokenReplay == b.ValidateTokenReplay && a.ValidateActor == b.ValidateActor
        && a.ClockSkew == b.ClockSkew && a.ActorValidationParameters is null && b.ActorValidationParameters is null
        && string.Equals(a.ValidIssuer, b.ValidIssuer, StringComparison.Ordinal)
        && string.Equals(a.ValidAudience, b.ValidAudience, StringComparison.Ordinal)
        && string.Equals(a.AuthenticationType, b.AuthenticationType, StringComparison.Ordinal)
        && string.Equals(a.NameClaimType, b.NameClaimType, StringComparison.Ordinal)
        && string.Equals(a.RoleClaimType, b.RoleClaimType, StringComparison.Ordinal)
        && SameList(a.ValidIssuers, b.ValidIssuers) && SameList(a.ValidAudiences, b.ValidAudiences)
        && SameList(a.ValidTypes, b.ValidTypes) && SameList(a.ValidAlgorithms, b.ValidAlgorithms)
        && a.IssuerSigningKeyResolver == b.IssuerSigningKeyResolver && a.IssuerSigningKey == b.IssuerSigningKey
        && a.IssuerSigningKeys == b.IssuerSigningKeys
        && a.SignatureValidator == b.SignatureValidator && a.IssuerValidator == b.IssuerValidator
        && a.AudienceValidator == b.AudienceValidator && a.LifetimeValidator == b.LifetimeValidator
        && a.TypeValidator == b.TypeValidator && a.AlgorithmValidator == b.AlgorithmValidator
        && a.IssuerSigningKeyValidator == b.IssuerSigningKeyValidator && a.TokenReplayValidator == b.TokenReplayValidator
        && a.TokenReader == b.TokenReader && a.TransformBeforeSignatureValidation == b.TransformBeforeSignatureValidation
        && a.TokenDecryptionKey is null && b.TokenDecryptionKey is null && a.TokenDecryptionKeys is null && b.TokenDecryptionKeys is null
        && a.TokenDecryptionKeyResolver is null && b.TokenDecryptionKeyResolver is null;

    private static bool SameList(IEnumerable<string>? a, IEnumerable<string>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b, StringComparer.Ordinal));

    private bool IsStillValidating(SecurityKey key)
    {
        foreach (var candidate in validationKeys())
        {
            if (ReferenceEquals(candidate, key) || (candidate.KeyId is { } kid && string.Equals(kid, key.KeyId, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What a full validation established about one token: its key, parsed token (read only), claims and expiry.</summary>
    private sealed record Verified(TokenValidationParameters Parameters, SecurityKey Key, SecurityToken Token, Claim[] Claims, string? AuthenticationType,
        string NameClaimType, string RoleClaimType, DateTimeOffset Expires, CallerContext? Caller);

    private static string Digest(string token)
    {
        var length = Encoding.UTF8.GetByteCount(token);
        var bytes = length <= MaxStackToken ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(token, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return Convert.ToBase64String(hash);
    }
}
