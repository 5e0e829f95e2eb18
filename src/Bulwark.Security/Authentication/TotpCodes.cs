using System.Security.Cryptography;
using System.Text;
using OtpNet;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-8: RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s steps — what every authenticator app speaks) through Otp.NET,
/// accepting the previous, current and next step (±1). <see cref="Verify"/> returns the matched step so the caller can
/// refuse a step it has already accepted (each code usable once). Recovery codes: 12 base32 characters (60 bits),
/// single use, stored as SHA-256.
/// </summary>
public static class TotpCodes
{
    private const string RecoveryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"; // no 0/o, 1/l
    private const int RecoveryLength = 12;

    /// <summary>A new 160-bit secret, base32 (as authenticator apps take it).</summary>
    public static string NewSecret() => Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20));

    /// <summary>The <c>otpauth://</c> URI for a QR code.</summary>
    public static string OtpAuthUri(string issuer, string account, string secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>The time step <paramref name="code"/> is valid for at <paramref name="now"/> (±1 step), or null.</summary>
    public static long? Verify(string secret, string? code, DateTimeOffset now)
    {
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(Base32Encoding.ToBytes(secret));
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    /// <summary>The code for <paramref name="at"/> (tests, and nothing else in the product).</summary>
    public static string Compute(string secret, DateTimeOffset at) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(at.UtcDateTime);

    /// <summary>New recovery codes, shown once as <c>xxxx-xxxx-xxxx</c>.</summary>
    public static IReadOnlyList<string> NewRecoveryCodes(int count) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            var chars = RandomNumberGenerator.GetItems<char>(RecoveryAlphabet, RecoveryLength);
            return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}";
        })];

    /// <summary>SHA-256 of a recovery code as typed (case, spaces and dashes ignored); null when it cannot be one.</summary>
    public static byte[]? HashRecoveryCode(string? code)
    {
        if (code is null || code.Length > 32)
        {
            return null;
        }

        var normalized = new string(code.Where(c => c is not ('-' or ' ')).Select(char.ToLowerInvariant).ToArray());
        return normalized.Length == RecoveryLength && normalized.All(RecoveryAlphabet.Contains)
            ? SHA256.HashData(Encoding.ASCII.GetBytes(normalized))
            : null;
    }
}
