using System.Security.Cryptography;
using System.Text;
using Bulwark.Security.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: the HMAC-SHA256 key of the audit checkpoints, from <c>Bulwark:Audit:CheckpointKey</c> or
/// <c>CheckpointKeyFile</c>; in Development only, generated once into the data folder (0600). Outside
/// Development a missing key is an error, never an unkeyed checkpoint. The key id (a hash prefix) lets
/// verify-audit tell a wrong key from a forged checkpoint.
/// </summary>
public sealed class AuditCheckpointKey
{
    public const string DevelopmentFileName = "audit-checkpoint.key";
    private const int MinimumBytes = 32;
    private readonly Lazy<(byte[] Key, string Id)> _key;

    public AuditCheckpointKey(IOptions<AuditOptions> options, IHostEnvironment environment, BulwarkDataDirectory dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var settings = options.Value;
        _key = new Lazy<(byte[], string)>(() => Load(settings, environment, dataDirectory));
    }

    public string KeyId => _key.Value.Id;

    public string Sign(ReadOnlySpan<byte> message) => Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value.Key, message));

    public bool Verify(ReadOnlySpan<byte> message, string mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        var expected = HMACSHA256.HashData(_key.Value.Key, message);
        var given = Encoding.ASCII.GetBytes(mac);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(expected)), given);
    }

    private static (byte[], string) Load(AuditOptions settings, IHostEnvironment environment, BulwarkDataDirectory dataDirectory)
    {
        string? encoded = settings.CheckpointKey;
        if (string.IsNullOrWhiteSpace(encoded) && !string.IsNullOrWhiteSpace(settings.CheckpointKeyFile))
        {
            encoded = File.ReadAllText(settings.CheckpointKeyFile);
        }

        if (string.IsNullOrWhiteSpace(encoded))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "LOG-3: Bulwark:Audit:CheckpointKeyFile (or Bulwark:Audit:CheckpointKey) is required outside Development: " +
                    "a base64 key of at least 32 random bytes for the audit checkpoints.");
            }

            encoded = DevelopmentKey(dataDirectory.Combine(DevelopmentFileName));
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(encoded.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("LOG-3: the audit checkpoint key (Bulwark:Audit:CheckpointKey[File]) is not base64.");
        }

        if (key.Length < MinimumBytes)
        {
            throw new InvalidOperationException("LOG-3: the audit checkpoint key (Bulwark:Audit:CheckpointKey[File]) must be at least 32 bytes.");
        }

        return (key, Convert.ToHexStringLower(SHA256.HashData(key))[..16]);
    }

    private static string DevelopmentKey(string path)
    {
        if (!File.Exists(path))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var writer = new StreamWriter(path, Encoding.ASCII, options);
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumBytes)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        return File.ReadAllText(path);
    }
}
