using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace Bulwark.Security.Audit;

/// <summary>
/// LOG-4: the redaction layer of the Serilog pipeline. It runs as the last enricher of the root
/// logger, so every sink (console, file, Seq, OTLP) receives the redacted event, and the rendered
/// message is built from the redacted properties. Two rules:
/// by property name (password, secret, token, API key, authorization, cookie, national id, IBAN,
/// salary, private key: the value is replaced whatever it is) and by value shape in any string
/// (JWTs, <c>Bearer …</c> credentials, 256-bit opaque tokens, IBANs). Exception texts are not
/// rewritten: code never puts secrets into exception messages.
/// </summary>
internal sealed partial class LogRedactionEnricher : ILogEventEnricher
{
    public const string Redacted = "[REDACTED]";

    private static readonly string[] SensitiveNames =
    [
        "password", "passwd", "secret", "token", "apikey", "api_key", "authorization", "cookie", "nationalid", "national_id",
        "iban", "salary", "privatekey", "private_key", "totp", "recoverycode",
    ];

    private static readonly ScalarValue RedactedValue = new(Redacted);

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var clean = IsSensitiveName(name) ? RedactedValue : Redact(value);
            if (!ReferenceEquals(clean, value))
            {
                (replaced ??= []).Add(new LogEventProperty(name, clean));
            }
        }

        if (replaced is not null)
        {
            foreach (var property in replaced)
            {
                logEvent.AddOrUpdateProperty(property);
            }
        }
    }

    internal static bool IsSensitiveName(string name) =>
        SensitiveNames.Any(n => name.Contains(n, StringComparison.OrdinalIgnoreCase));

    /// <summary>The value with every secret-shaped string replaced; the same instance when nothing matched.</summary>
    internal static LogEventPropertyValue Redact(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                var cleanText = RedactText(text);
                return ReferenceEquals(cleanText, text) ? value : new ScalarValue(cleanText);
            case SequenceValue sequence:
            {
                var elements = sequence.Elements.Select(Redact).ToList();
                return elements.Where((e, i) => !ReferenceEquals(e, sequence.Elements[i])).Any() ? new SequenceValue(elements) : value;
            }

            case StructureValue structure:
            {
                var properties = structure.Properties
                    .Select(p => IsSensitiveName(p.Name) ? new LogEventProperty(p.Name, RedactedValue) : new LogEventProperty(p.Name, Redact(p.Value)))
                    .ToList();
                return properties.Where((p, i) => !ReferenceEquals(p.Value, structure.Properties[i].Value)).Any()
                    ? new StructureValue(properties, structure.TypeTag)
                    : value;
            }

            case DictionaryValue dictionary:
            {
                var changed = false;
                var pairs = new List<KeyValuePair<ScalarValue, LogEventPropertyValue>>();
                foreach (var (key, element) in dictionary.Elements)
                {
                    var sensitive = key.Value is string keyName && IsSensitiveName(keyName);
                    var redacted = sensitive ? RedactedValue : Redact(element);
                    changed |= !ReferenceEquals(redacted, element);
                    pairs.Add(new(key, redacted));
                }

                return changed ? new DictionaryValue(pairs) : value;
            }

            default:
                return value;
        }
    }

    /// <summary>The text with JWTs, bearer credentials, opaque tokens and IBANs replaced; the same string when none.</summary>
    internal static string RedactText(string text)
    {
        if (text.Length < 15)
        {
            return text;
        }

        var clean = Jwt().Replace(text, Redacted);
        clean = Bearer().Replace(clean, "Bearer " + Redacted);
        clean = OpaqueToken().Replace(clean, Redacted);
        clean = Iban().Replace(clean, Redacted);
        return string.Equals(clean, text, StringComparison.Ordinal) ? text : clean;
    }

    /// <summary>A JOSE header (base64url of <c>{"</c>) and whatever parts follow: also a token cut short by a length bound.</summary>
    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?i)\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex Bearer();

    /// <summary>32 random bytes in base64url (refresh tokens, API key secrets): exactly 43 characters.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])", RegexOptions.CultureInvariant)]
    private static partial Regex OpaqueToken();

    /// <summary>ISO 13616 shape: country, check digits, 11–30 alphanumerics (optionally grouped by spaces).</summary>
    [GeneratedRegex(@"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Iban();
}
