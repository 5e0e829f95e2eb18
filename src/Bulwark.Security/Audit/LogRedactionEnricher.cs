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
    private const int MaxKnownNames = 1024;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> KnownNames = new(StringComparer.Ordinal);

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var clean = IsSensitivePropertyName(name) ? RedactedValue : Redact(value);
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

    /// <summary>
    /// Issue 7: an event's own property names come from the code's templates, enrichers and scopes — a few dozen, seen on
    /// every line — so their answer is kept (bounded; names beyond the bound are checked each time).
    /// </summary>
    private static bool IsSensitivePropertyName(string name)
    {
        if (KnownNames.TryGetValue(name, out var sensitive))
        {
            return sensitive;
        }

        sensitive = IsSensitiveName(name);
        if (KnownNames.Count < MaxKnownNames)
        {
            KnownNames.TryAdd(name, sensitive);
        }

        return sensitive;
    }

    internal static bool IsSensitiveName(string name)
    {
        foreach (var sensitive in SensitiveNames)
        {
            if (name.Contains(sensitive, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value with every secret-shaped string replaced; the same instance when nothing matched.</summary>
    internal static LogEventPropertyValue Redact(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                var cleanText = RedactText(text);
                return ReferenceEquals(cleanText, text) ? value : new ScalarValue(cleanText);
            // Issue 7: the collection cases live in their own methods, so the string case (every request line) allocates
            // none of their closures.
            case SequenceValue sequence:
                return RedactSequence(sequence);
            case StructureValue structure:
                return RedactStructure(structure);
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

    private static SequenceValue RedactSequence(SequenceValue sequence)
    {
        var elements = sequence.Elements.Select(Redact).ToList();
        return elements.Where((e, i) => !ReferenceEquals(e, sequence.Elements[i])).Any() ? new SequenceValue(elements) : sequence;
    }

    private static StructureValue RedactStructure(StructureValue structure)
    {
        var properties = structure.Properties
            .Select(p => IsSensitiveName(p.Name) ? new LogEventProperty(p.Name, RedactedValue) : new LogEventProperty(p.Name, Redact(p.Value)))
            .ToList();
        return properties.Where((p, i) => !ReferenceEquals(p.Value, structure.Properties[i].Value)).Any()
            ? new StructureValue(properties, structure.TypeTag)
            : structure;
    }

    /// <summary>The text with JWTs, bearer credentials, opaque tokens and IBANs replaced; the same string when none.</summary>
    internal static string RedactText(string text)
    {
        if (text.Length < 15)
        {
            return text;
        }

        // Issue 7: most strings (paths, ids, names) cannot hold any of the four shapes; an ASCII string is scanned once for
        // what each pattern cannot match without, and only the patterns it could match run. Non-ASCII text runs them all.
        var ascii = System.Text.Ascii.IsValid(text);
        var clean = text;
        if (!ascii || clean.Contains("eyJ", StringComparison.Ordinal))
        {
            clean = Jwt().Replace(clean, Redacted);
        }

        if (!ascii || clean.Contains("bearer", StringComparison.OrdinalIgnoreCase) || clean.Contains("basic", StringComparison.OrdinalIgnoreCase))
        {
            clean = Bearer().Replace(clean, "Bearer " + Redacted);
        }

        if (!ascii || LongestTokenRun(clean) >= 43)
        {
            clean = OpaqueToken().Replace(clean, Redacted);
        }

        if (!ascii || HasIbanStart(clean))
        {
            clean = Iban().Replace(clean, Redacted);
        }

        return string.Equals(clean, text, StringComparison.Ordinal) ? text : clean;
    }

    /// <summary>The longest run of base64url characters (what an opaque token is made of).</summary>
    private static int LongestTokenRun(string text)
    {
        int longest = 0, run = 0;
        foreach (var c in text)
        {
            run = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }

    /// <summary>Two capital letters then two digits: how every IBAN starts.</summary>
    private static bool HasIbanStart(string text)
    {
        for (var i = 0; i + 3 < text.Length; i++)
        {
            if (char.IsAsciiLetterUpper(text[i]) && char.IsAsciiLetterUpper(text[i + 1]) && char.IsAsciiDigit(text[i + 2]) && char.IsAsciiDigit(text[i + 3]))
            {
                return true;
            }
        }

        return false;
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
