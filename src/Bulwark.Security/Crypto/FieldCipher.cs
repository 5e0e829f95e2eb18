using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Security.Crypto;

/// <summary>
/// DATA-1: authenticated encryption of single field values (AES-256-GCM) and keyed blind indexes
/// (HMAC-SHA256). Envelope format, one ASCII string per value:
/// <c>bwk1:&lt;keyId&gt;:&lt;base64url(nonce[12] | ciphertext | tag[16])&gt;</c>.
/// Data key <c>n</c> is HKDF-SHA256(master key, info = "bulwark/data-key/v1/n"): every instance holding
/// the master key can read every key id, so raising <see cref="ActiveKeyId"/> needs no coordination and
/// old values stay readable until <c>rotate-data-keys</c> re-encrypts them. The associated data binds
/// format version, key id and purpose (e.g. <c>employee.nationalId</c>): a ciphertext moved to another
/// column or relabelled with another key id fails authentication.
/// </summary>
public sealed class FieldCipher
{
    public const string Version = "bwk1";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _masterKey;
    private readonly ConcurrentDictionary<int, byte[]> _dataKeys = new();
    private readonly ConcurrentDictionary<string, byte[]> _indexKeys = new(StringComparer.Ordinal);

    public FieldCipher(byte[] masterKey, int activeKeyId)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        if (masterKey.Length != MasterKey.KeyBytes)
        {
            throw new ArgumentException("The master key must be 32 bytes.", nameof(masterKey));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(activeKeyId, 1);
        _masterKey = masterKey;
        ActiveKeyId = activeKeyId;
    }

    /// <summary>The key id new values are encrypted with.</summary>
    public int ActiveKeyId { get; }

    /// <summary>Encrypts <paramref name="plaintext"/> under the active key, bound to <paramref name="purpose"/>.</summary>
    public string Encrypt(string plaintext, string purpose)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        var keyId = ActiveKeyId;
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + clear.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(DataKey(keyId), TagBytes))
        {
            aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceBytes, clear.Length),
                sealedBytes.AsSpan(NonceBytes + clear.Length), AssociatedData(keyId, purpose));
        }

        CryptographicOperations.ZeroMemory(clear);
        return string.Create(CultureInfo.InvariantCulture, $"{Version}:{keyId}:{Base64Url.EncodeToString(sealedBytes)}");
    }

    /// <summary>
    /// Decrypts an envelope written by <see cref="Encrypt"/> for the same <paramref name="purpose"/>.
    /// A malformed, altered or relabelled value throws <see cref="FieldIntegrityException"/> (no clear text).
    /// </summary>
    public string Decrypt(string envelope, string purpose)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (!TryParse(envelope, out var keyId, out var payload) || payload.Length < NonceBytes + TagBytes)
        {
            throw new FieldIntegrityException(purpose, (int?)null);
        }

        var length = payload.Length - NonceBytes - TagBytes;
        var clear = new byte[length];
        try
        {
            using var aes = new AesGcm(DataKey(keyId), TagBytes);
            aes.Decrypt(payload.AsSpan(0, NonceBytes), payload.AsSpan(NonceBytes, length),
                payload.AsSpan(NonceBytes + length), clear, AssociatedData(keyId, purpose));
            return Encoding.UTF8.GetString(clear);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new FieldIntegrityException(purpose, keyId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }

    /// <summary>The key id an envelope names, or null when it is not an envelope.</summary>
    public static int? KeyIdOf(string? envelope) =>
        envelope is not null && TryParse(envelope, out var keyId, out _) ? keyId : null;

    /// <summary>
    /// A keyed, deterministic index of <paramref name="value"/> for exact-match lookup, scoped (e.g. per tenant)
    /// so equal values in two scopes do not correlate. Without the master key it reveals nothing, and it
    /// does not change when data keys rotate. Base64url of HMAC-SHA256 (43 characters).
    /// </summary>
    public string BlindIndex(string purpose, string scope, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(value);
        var key = _indexKeys.GetOrAdd(purpose, p => Derive("bulwark/blind-index/v1/" + p));
        var data = Encoding.UTF8.GetBytes(scope + "\0" + value);
        return Base64Url.EncodeToString(HMACSHA256.HashData(key, data));
    }

    private static bool TryParse(string envelope, out int keyId, out byte[] payload)
    {
        keyId = 0;
        payload = [];
        var parts = envelope.Split(':');
        if (parts.Length != 3 || parts[0] != Version
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out keyId) || keyId < 1)
        {
            return false;
        }

        try
        {
            payload = Base64Url.DecodeFromChars(parts[2]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] AssociatedData(int keyId, string purpose) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}:{keyId}:{purpose}"));

    private byte[] DataKey(int keyId) =>
        _dataKeys.GetOrAdd(keyId, id => Derive(string.Create(CultureInfo.InvariantCulture, $"bulwark/data-key/v1/{id}")));

    private byte[] Derive(string info) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _masterKey, 32, salt: [], info: Encoding.UTF8.GetBytes(info));
}
