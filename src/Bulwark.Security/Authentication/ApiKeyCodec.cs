using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-9: the API key format <c>bwk_&lt;12 hex prefix&gt;_&lt;43-char base64url secret&gt;</c>. The prefix (48 random
/// bits) finds the stored record and is shown in lists; the secret (256 random bits) is never stored: only its
/// SHA-256 (a slow password hash adds nothing for a 256-bit random secret, and would make every request pay it).
/// </summary>
public static class ApiKeyCodec
{
    public const string Marker = "bwk_";
    public const int PrefixLength = 16;   // "bwk_" + 12 hex
    private const int SecretLength = 43;  // 32 bytes, base64url without padding
    public const int KeyLength = PrefixLength + 1 + SecretLength;

    /// <summary>A new key: its full text (shown once), its prefix and the hash to store.</summary>
    public static (string Key, string Prefix, byte[] SecretHash) Create()
    {
        var prefix = Marker + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (prefix + "_" + secret, prefix, Hash(secret));
    }

    /// <summary>Splits a presented key; false for anything not exactly in the format (no database lookup for it).</summary>
    public static bool TryParse(ReadOnlySpan<char> key, out string prefix, out string secret)
    {
        prefix = string.Empty;
        secret = string.Empty;
        if (key.Length != KeyLength || !key.StartsWith(Marker, StringComparison.Ordinal) || key[PrefixLength] != '_')
        {
            return false;
        }

        foreach (var c in key[Marker.Length..PrefixLength])
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        var tail = key[(PrefixLength + 1)..];
        foreach (var c in tail)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        prefix = key[..PrefixLength].ToString();
        secret = tail.ToString();
        return true;
    }

    public static byte[] Hash(ReadOnlySpan<char> secret)
    {
        Span<byte> ascii = stackalloc byte[SecretLength];
        var written = Encoding.ASCII.GetBytes(secret, ascii);
        return SHA256.HashData(ascii[..written]);
    }

    /// <summary>Constant-time comparison of a presented secret with the stored hash.</summary>
    public static bool Matches(ReadOnlySpan<char> secret, byte[] storedHash)
    {
        Span<byte> ascii = stackalloc byte[SecretLength];
        var written = Encoding.ASCII.GetBytes(secret, ascii);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ascii[..written], hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }
}
