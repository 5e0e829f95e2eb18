using System.Collections.Concurrent;
using System.Security.Cryptography;
using Bulwark.Security.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-4: the ES256 signing keys, persisted through <see cref="ISigningKeyRepository"/> (the shared database) with
/// private keys encrypted by ASP.NET Core Data Protection, and held here as an in-memory snapshot so signing and
/// validation never do I/O. Lifecycle (<see cref="SigningKeySchedule"/>): announced in the JWKS before it signs,
/// active, retiring (validates only), retired once every token it signed has expired. <see cref="RefreshAsync"/>
/// re-reads the keys, creates the first one, rotates when due and retires what is over.
/// Each <c>kid</c> is the RFC 7638 JWK thumbprint.
/// </summary>
public sealed partial class SigningKeyStore(
    ISigningKeyRepository repository,
    IDataProtectionProvider dataProtection,
    IOptions<JwtOptions> jwtOptions,
    IOptions<SigningKeyOptions> keyOptions,
    BulwarkDataDirectory dataDirectory,
    TimeProvider time,
    ILogger<SigningKeyStore> logger) : IDisposable
{
    private const string Purpose = "Bulwark.Authentication.SigningKey.v1";
    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);
    private readonly ConcurrentDictionary<string, ECDsaSecurityKey> _publicKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SigningCredentials> _credentials = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile IReadOnlyList<SigningKeyRecord> _keys = [];
    private volatile ValidationAnswer? _validation;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public void Dispose() => _refresh.Dispose();

    /// <summary>
    /// How long a superseded key keeps validating: the longest-lived token it may have signed, the skew, and one
    /// refresh interval for an instance that learned of the successor last.
    /// </summary>
    internal TimeSpan Retention => TimeSpan.FromMinutes(jwtOptions.Value.AccessTokenMinutes)
                                   + TimeSpan.FromSeconds(jwtOptions.Value.ClockSkewSeconds)
                                   + keyOptions.Value.RefreshInterval;

    /// <summary>Credentials for new tokens: the active key, ES256 only. Throws until the keys are loaded.</summary>
    public SigningCredentials SigningCredentials
    {
        get
        {
            var active = SigningKeySchedule.Active(_keys, Now)
                         ?? throw new InvalidOperationException("No active signing key is loaded (database unreachable at start?).");
            return _credentials.GetOrAdd(active.KeyId, _ => new SigningCredentials(PrivateKey(active), SecurityAlgorithms.EcdsaSha256));
        }
    }

    /// <summary>Keys accepted for validation: active and retiring (no I/O; read on every request).</summary>
    public IReadOnlyList<SecurityKey> ValidationKeys
    {
        get
        {
            var keys = _keys;
            var now = Now;
            var retention = Retention;
            var skew = TimeSpan.FromSeconds(jwtOptions.Value.ClockSkewSeconds);
            // Issue 7: read on every authenticated request; the answer is reused while neither the loaded keys nor the
            // schedule's span around the clock changed (SigningKeySchedule.ValidatingWindow), so a key still leaves the set
            // at its exact retirement time.
            if (_validation is { } cached && ReferenceEquals(cached.Keys, keys) && cached.Retention == retention && cached.Skew == skew
                && cached.From <= now && now < cached.Until)
            {
                return cached.Result;
            }

            var result = Array.AsReadOnly(SigningKeySchedule.Validating(keys, now, retention, skew).Select(k => (SecurityKey)PublicKey(k)).ToArray());
            var (from, until) = SigningKeySchedule.ValidatingWindow(keys, now, retention, skew);
            _validation = new ValidationAnswer(keys, retention, skew, from, until, result);
            return result;
        }
    }

    private sealed record ValidationAnswer(IReadOnlyList<SigningKeyRecord> Keys, TimeSpan Retention, TimeSpan Skew, DateTime From,
        DateTime Until, IReadOnlyList<SecurityKey> Result);

    /// <summary>The keys as loaded, with their state now (for the CLI and tests).</summary>
    public IReadOnlyList<(SigningKeyRecord Key, SigningKeyState State)> Describe()
    {
        var keys = _keys;
        return keys.Select(k => (k, SigningKeySchedule.State(keys, k, Now, Retention))).ToArray();
    }

    /// <summary>The public half of every announced, active and retiring key, as JWKs for <c>/.well-known/jwks.json</c>.</summary>
    public IReadOnlyList<JsonWebKey> PublicJwks() =>
        SigningKeySchedule.Published(_keys, Now, Retention).Select(k =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(PublicKey(k));
            jwk.Use = "sig";
            jwk.Alg = SecurityAlgorithms.EcdsaSha256;
            return jwk;
        }).ToArray();

    /// <summary>
    /// Re-reads the keys; creates the first key when there is none (importing a legacy key file so tokens it signed
    /// stay valid); with <paramref name="maintain"/>, also announces the successor when the schedule says so and
    /// retires keys whose last token has expired.
    /// </summary>
    public async Task RefreshAsync(bool maintain, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var keys = await repository.LoadAsync(cancellationToken);
            if (SigningKeySchedule.Active(keys, Now) is null)
            {
                await TryAddAsync(FirstKey(keys), cancellationToken);
                keys = await repository.LoadAsync(cancellationToken);
            }

            if (maintain)
            {
                keys = await MaintainAsync(keys, cancellationToken);
            }

            _keys = keys;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>
    /// AUTH-4 rotation on command (<c>rotate-keys</c>): announces a new key that signs after the announce lead. When a
    /// key is already announced, returns that one instead of stacking a second.
    /// </summary>
    public async Task<SigningKeyRecord> RotateAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(maintain: false, cancellationToken);
        var keys = _keys;
        var pending = keys.Where(k => k.RetiredAt is null && k.ActivatesAt > Now).MaxBy(k => k.Generation);
        if (pending is not null)
        {
            return pending;
        }

        var announced = NewKey(keys.Max(k => k.Generation) + 1, Now + keyOptions.Value.AnnounceLead);
        await TryAddAsync(announced, cancellationToken);
        await RefreshAsync(maintain: false, cancellationToken);
        return _keys.Single(k => k.Generation == announced.Generation);
    }

    private async Task<IReadOnlyList<SigningKeyRecord>> MaintainAsync(IReadOnlyList<SigningKeyRecord> keys, CancellationToken cancellationToken)
    {
        var now = Now;
        var options = keyOptions.Value;
        var changed = false;
        var active = SigningKeySchedule.Active(keys, now)!;
        var pending = keys.Any(k => k.RetiredAt is null && k.ActivatesAt > now);
        if (!pending && now >= active.ActivatesAt + options.RotationInterval - options.AnnounceLead)
        {
            // Scheduled rotation: announced now, signing from the end of the active key's interval (at the earliest
            // after the announce lead). Two instances racing here: the unique generation lets one win.
            var activatesAt = Max(active.ActivatesAt + options.RotationInterval, now + options.AnnounceLead);
            changed |= await TryAddAsync(NewKey(keys.Max(k => k.Generation) + 1, activatesAt), cancellationToken);
        }

        foreach (var key in keys.Where(k => k.RetiredAt is null && SigningKeySchedule.RetiresAt(keys, k, Retention) <= now))
        {
            // Every token this key signed has expired: forget it and erase its private key.
            await repository.RetireAsync(key.KeyId, now, cancellationToken);
            _credentials.TryRemove(key.KeyId, out _);
            LogRetired(logger, key.KeyId);
            changed = true;
        }

        return changed ? await repository.LoadAsync(cancellationToken) : keys;
    }

    private async Task<bool> TryAddAsync(SigningKeyRecord key, CancellationToken cancellationToken)
    {
        var added = await repository.TryAddAsync(key, cancellationToken);
        if (added)
        {
            LogAdded(logger, key.KeyId, key.Generation, key.ActivatesAt);
        }

        return added;
    }

    private SigningKeyRecord FirstKey(IReadOnlyList<SigningKeyRecord> keys)
    {
        var generation = keys.Count == 0 ? 1 : keys.Max(k => k.Generation) + 1;
        var legacyPath = string.IsNullOrWhiteSpace(jwtOptions.Value.SigningKeyPath)
            ? dataDirectory.Combine("signing-key.pem")
            : jwtOptions.Value.SigningKeyPath;
        if (keys.Count == 0 && File.Exists(legacyPath))
        {
            // Upgrade from the single key file: the same key (same kid) moves into the database, encrypted, so tokens
            // it signed keep validating. The file is no longer read; delete it.
            using var legacy = ECDsa.Create();
            legacy.ImportFromPem(File.ReadAllText(legacyPath));
            if (legacy.KeySize != 256)
            {
                throw new InvalidOperationException($"The signing key at {JwtOptions.SectionName}:SigningKeyPath must be a P-256 key (ES256).");
            }

            LogImported(logger, legacyPath);
            return Record(legacy, generation, Now);
        }

        return NewKey(generation, Now);
    }

    private SigningKeyRecord NewKey(int generation, DateTime activatesAt)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Record(ecdsa, generation, activatesAt);
    }

    private SigningKeyRecord Record(ECDsa ecdsa, int generation, DateTime activatesAt)
    {
        var pkcs8 = ecdsa.ExportPkcs8PrivateKey();
        try
        {
            // AUTH-4: private keys are stored only encrypted (Data Protection: authenticated encryption, key ring).
            var protectedKey = Convert.ToBase64String(_protector.Protect(pkcs8));
            return new SigningKeyRecord(KeyId(ecdsa), generation, ecdsa.ExportSubjectPublicKeyInfo(), protectedKey, Now, activatesAt, null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private ECDsaSecurityKey PublicKey(SigningKeyRecord key) =>
        _publicKeys.GetOrAdd(key.KeyId, kid =>
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
            return new ECDsaSecurityKey(ecdsa) { KeyId = kid };
        });

    private ECDsaSecurityKey PrivateKey(SigningKeyRecord key)
    {
        if (key.ProtectedPrivateKey is null)
        {
            throw new InvalidOperationException($"Signing key {key.KeyId} has no private key.");
        }

        var pkcs8 = _protector.Unprotect(Convert.FromBase64String(key.ProtectedPrivateKey));
        try
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new ECDsaSecurityKey(ecdsa) { KeyId = key.KeyId };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static string KeyId(ECDsa ecdsa)
    {
        using var publicOnly = ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false));
        return Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly)).ComputeJwkThumbprint());
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Added ES256 signing key {KeyId} (generation {Generation}), signing from {ActivatesAt:o}")]
    private static partial void LogAdded(ILogger logger, string keyId, int generation, DateTime activatesAt);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Imported the signing key file {Path} into the key store; the file is no longer used and should be deleted")]
    private static partial void LogImported(ILogger logger, string path);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Retired signing key {KeyId}: every token it signed has expired")]
    private static partial void LogRetired(ILogger logger, string keyId);
}
