using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Api;

/// <summary>Writes a JWK Set (RFC 7517 §5) holding public key members only.</summary>
internal static class JwksDocument
{
    public static string Write(IReadOnlyList<JsonWebKey> keys)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in keys)
            {
                writer.WriteStartObject();
                writer.WriteString("kty", key.Kty);
                writer.WriteString("use", key.Use);
                writer.WriteString("alg", key.Alg);
                writer.WriteString("kid", key.Kid);
                writer.WriteString("crv", key.Crv);
                writer.WriteString("x", key.X);
                writer.WriteString("y", key.Y);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
