using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-5: refresh tokens are 256 random bits, base64url (43 characters), opaque to the client. The
/// server stores only their SHA-256 (a token has full entropy, so an unsalted fast hash is enough to
/// make a stolen table useless). For the reuse grace window the successor of a spent token is kept
/// sealed with ASP.NET Core Data Protection (authenticated encryption, expiring with the window), so a
/// client racing itself gets the same successor while the database never holds a usable token in clear.
/// </summary>
public sealed class RefreshTokenCodec
{
    /// <summary>Length of a refresh token in characters (32 bytes, base64url without padding).</summary>
    public const int TokenLength = 43;

    private const string Purpose = "Bulwark.Authentication.RefreshToken.Successor.v1";
    private readonly ITimeLimitedDataProtector _protector;

    public RefreshTokenCodec(IDataProtectionProvider dataProtection)
    {
        ArgumentNullException.ThrowIfNull(dataProtection);
        _protector = dataProtection.CreateProtector(Purpose).ToTimeLimitedDataProtector();
    }

    /// <summary>A new token from the OS CSPRNG.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>True when <paramref name="token"/> has the shape of a refresh token (43 base64url characters).</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: TokenLength } && Base64Url.IsValid(token.AsSpan(), out var decoded) && decoded == 32;

    /// <summary>The value stored and looked up: SHA-256 of the token's characters.</summary>
    public static byte[] Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SHA256.HashData(Encoding.ASCII.GetBytes(token));
    }

    /// <summary>Seals a successor token until <paramref name="expiresAt"/> (the end of the grace window).</summary>
    public string Seal(string token, DateTimeOffset expiresAt) => _protector.Protect(token, expiresAt);

    /// <summary>The sealed successor, or null when it is expired, tampered with or sealed by an unknown key.</summary>
    public string? Unseal(string? sealedToken)
    {
        if (string.IsNullOrEmpty(sealedToken))
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(sealedToken);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
