using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-4: every string read from JSON is NFC-normalized and NUL is rejected outright, so no
/// handler can forget it. Strings longer than <see cref="MaxLength"/> are refused before any
/// per-field rule runs (VAL-5).
/// </summary>
public sealed class NormalizingStringConverter : JsonConverter<string>
{
    /// <summary>Upper bound for any single JSON string (characters).</summary>
    public const int MaxLength = 100_000;

    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException();
        }

        var value = reader.GetString()!;
        if (value.Length > MaxLength)
        {
            throw new StrictStringException("maxLength", "is too long");
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            // VAL-4: NUL truncates strings in C libraries and some databases; never store it.
            throw new StrictStringException("plainText", "must not contain NUL characters");
        }

        return TextRules.Normalize(value);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
