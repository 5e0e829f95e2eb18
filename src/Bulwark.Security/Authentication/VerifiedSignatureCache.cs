using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-4, issue 7 hot path: the framework's <see cref="JsonWebTokenHandler"/> with one saving — the ECDSA verification
/// of an access token whose exact bytes already verified on this instance is not repeated (a client sends the same token
/// on every request for up to 15 minutes; the verification is most of what a rejected or cheap request costs).
/// Everything else is validated on every request by the library as before: algorithm, <c>typ</c>, issuer, audience,
/// lifetime; revocation is checked after it (<c>OnTokenValidated</c>).
/// </summary>
/// <remarks>
/// Written here because no served package caches signature results. The key is the SHA-256 of the whole token, so a
/// changed byte anywhere (header, payload or signature) is a different, unverified token; only successes are kept,
/// never failures (a forged token costs its full verification every time); an entry ends at the token's expiry; a hit
/// counts only while the key that verified it is still one of <see cref="SigningKeyStore.ValidationKeys"/> (a removed
/// key's tokens are verified again — and fail). Bounded: at most <see cref="MaxEntries"/> tokens.
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
        if (_verified.TryGetValue(digest, out SecurityKey? key) && key is not null && IsStillValidating(key))
        {
            // The same bytes verified under this key before: the library still validates the rest of the token. Parsed
            // once here and handed over parsed (issue 7: the string overload parsed it again for the signature step).
            JsonWebToken parsed;
            try
            {
                parsed = new JsonWebToken(token) { SigningKey = key };
            }
            catch (ArgumentException)
            {
                return await base.ValidateTokenAsync(token, validationParameters);
            }

            var known = validationParameters.Clone();
            known.SignatureValidator = (_, _) => parsed;
            var result = await base.ValidateTokenAsync(parsed, known);
            if (result.IsValid)
            {
                Interlocked.Increment(ref _hits);
            }

            return result;
        }

        var verified = await base.ValidateTokenAsync(token, validationParameters);
        if (verified.IsValid && verified.SecurityToken is { SigningKey: { } signingKey } securityToken)
        {
            var expires = new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc));
            if (expires > time.GetUtcNow())
            {
                _verified.Set(digest, signingKey, new MemoryCacheEntryOptions { AbsoluteExpiration = expires, Size = 1 });
            }
        }

        return verified;
    }

    public void Dispose() => _verified.Dispose();

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
