using System.Security.Cryptography;
using Bulwark.Security.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-4: the ES256 signing key, loaded from a PKCS#8 PEM file or generated on first start (owner-only
/// file mode). Its <c>kid</c> is the RFC 7638 JWK thumbprint. The key lifecycle (announce, rotate,
/// retire, encryption at rest) extends this store in the identity issue.
/// </summary>
public sealed partial class SigningKeyStore
{
    private readonly ECDsaSecurityKey _current;

    public SigningKeyStore(IOptions<JwtOptions> options, BulwarkDataDirectory dataDirectory, ILogger<SigningKeyStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var path = string.IsNullOrWhiteSpace(options.Value.SigningKeyPath)
            ? dataDirectory.Combine("signing-key.pem")
            : options.Value.SigningKeyPath;
        var ecdsa = ECDsa.Create();
        if (!File.Exists(path))
        {
            Generate(path);
            LogGenerated(logger, path);
        }

        ecdsa.ImportFromPem(File.ReadAllText(path));
        if (ecdsa.KeySize != 256)
        {
            throw new InvalidOperationException($"The signing key at {JwtOptions.SectionName}:SigningKeyPath must be a P-256 key (ES256).");
        }

        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key).ComputeJwkThumbprint());
        _current = key;
        SigningCredentials = new SigningCredentials(_current, SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>Credentials for new tokens: the active key, ES256 only.</summary>
    public SigningCredentials SigningCredentials { get; }

    /// <summary>Keys accepted for validation (and published in the JWKS).</summary>
    public IReadOnlyList<SecurityKey> ValidationKeys => [_current];

    /// <summary>The public half of every validation key, as JWKs for <c>/.well-known/jwks.json</c>.</summary>
    public IReadOnlyList<JsonWebKey> PublicJwks()
    {
        using var publicKey = ECDsa.Create(_current.ECDsa.ExportParameters(includePrivateParameters: false));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicKey) { KeyId = _current.KeyId });
        jwk.Use = "sig";
        jwk.Alg = SecurityAlgorithms.EcdsaSha256;
        return [jwk];
    }

    private static void Generate(string path)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = ecdsa.ExportPkcs8PrivateKeyPem();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, fileOptions);
            writer.Write(pem);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it first; use theirs.
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Generated a new ES256 signing key at {Path}")]
    private static partial void LogGenerated(ILogger logger, string path);
}
