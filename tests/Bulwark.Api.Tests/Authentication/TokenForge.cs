using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// Builds JWTs by hand — valid ones signed with the instance's own key (read through the app's key store) and
/// the forgeries attackers send — so each claim check can be shown to bite.
/// </summary>
internal static class TokenForge
{
    /// <summary>A copy of the instance's active signing key (AUTH-4: it lives encrypted in the database, so it is read through the app).</summary>
    public static ECDsa LoadInstanceKey(IServiceProvider services)
    {
        var active = (ECDsaSecurityKey)services.GetRequiredService<Bulwark.Security.Authentication.SigningKeyStore>().SigningCredentials.Key;
        return ECDsa.Create(active.ECDsa.ExportParameters(includePrivateParameters: true));
    }

    public static string KeyId(ECDsa key) =>
        Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key)).ComputeJwkThumbprint());

    public static Dictionary<string, object?> Header(ECDsa key, string typ = "at+jwt") => new()
    {
        ["alg"] = "ES256",
        ["typ"] = typ,
        ["kid"] = KeyId(key),
    };

    /// <summary>Claims of a valid access token for a user (lifetime relative to now).</summary>
    public static Dictionary<string, object?> Claims(JsonElement me, TimeSpan? expiresIn = null, string iss = "bulwark", string aud = "bulwark-api")
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, object?>
        {
            ["iss"] = iss,
            ["aud"] = aud,
            ["sub"] = me.GetProperty("sub").GetString(),
            ["tenant"] = me.GetProperty("tenant").GetString(),
            ["roles"] = new[] { "admin" },
            ["sid"] = "forged-session",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.Add(expiresIn ?? TimeSpan.FromMinutes(10)).ToUnixTimeSeconds(),
        };
    }

    public static string SignEs256(Dictionary<string, object?> header, Dictionary<string, object?> claims, ECDsa key)
    {
        var input = Encode(header) + "." + Encode(claims);
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }

    public static string SignHs256(Dictionary<string, object?> header, Dictionary<string, object?> claims, byte[] secret)
    {
        var input = Encode(header) + "." + Encode(claims);
        return input + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    public static string Unsigned(Dictionary<string, object?> header, Dictionary<string, object?> claims) =>
        Encode(header) + "." + Encode(claims) + ".";

    /// <summary>The claims of a real token, decoded without validation (to copy sub/tenant).</summary>
    public static JsonElement Decode(string token) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(token.Split('.')[1])).RootElement.Clone();

    private static string Encode(Dictionary<string, object?> value) =>
        Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));
}
