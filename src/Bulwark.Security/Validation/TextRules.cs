using System.Globalization;
using System.Text;

namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-4: what a plain-text field may hold. Plain text rejects markup and control characters
/// (including bidi overrides used for "trojan source" spoofing) instead of silently altering data.
/// </summary>
public static class TextRules
{
    /// <summary>True when the text holds a character a plain-text field must not contain.</summary>
    public static bool HasForbiddenPlainTextCharacters(string value, bool allowLineBreaks = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c is '<' or '>')
            {
                return true;
            }

            if (allowLineBreaks && c is '\n' or '\r' or '\t')
            {
                continue;
            }

            if (IsForbiddenControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Control characters (Cc), bidi embedding/override/isolate marks and the BOM.</summary>
    public static bool IsForbiddenControl(char c) =>
        char.GetUnicodeCategory(c) == UnicodeCategory.Control
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069'
        || c == '\uFEFF';

    /// <summary>VAL-4: NFC normalization, applied to every string the JSON reader produces.</summary>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.IsNormalized(NormalizationForm.FormC) ? value : value.Normalize(NormalizationForm.FormC);
    }
}
