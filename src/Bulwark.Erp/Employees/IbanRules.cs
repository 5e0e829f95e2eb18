using System.Globalization;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Employees;

/// <summary>
/// IBAN (ISO 13616) in its electronic form: two upper-case letters (country), two check digits, then
/// 11 to 30 upper-case letters or digits (no spaces), with the ISO 7064 mod-97-10 checksum equal to 1.
/// </summary>
public static class IbanRules
{
    public const int MinLength = 15;
    public const int MaxLength = 34;

    /// <summary>VAL-2: optional IBAN field; <c>format</c> when the shape or the checksum is wrong.</summary>
    public static void Validate(ValidationErrors errors, string field, string? value, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.PlainText(field, value, MaxLength, required, MinLength);
        if (value is null || errors.HasErrorFor(field))
        {
            return;
        }

        if (!IsValid(value))
        {
            errors.Add(field, "format", "must be an IBAN (upper-case, no spaces) with a valid checksum");
        }
    }

    public static bool IsValid(string? value)
    {
        if (value is null || value.Length is < MinLength or > MaxLength
            || !char.IsAsciiLetterUpper(value[0]) || !char.IsAsciiLetterUpper(value[1])
            || !char.IsAsciiDigit(value[2]) || !char.IsAsciiDigit(value[3]))
        {
            return false;
        }

        for (var i = 4; i < value.Length; i++)
        {
            if (!char.IsAsciiDigit(value[i]) && !char.IsAsciiLetterUpper(value[i]))
            {
                return false;
            }
        }

        return Mod97(value[4..] + value[..4]) == 1;
    }

    /// <summary>Builds a valid IBAN from a country code and a BBAN by computing its check digits (demo data).</summary>
    public static string Create(string country, string bban)
    {
        ArgumentNullException.ThrowIfNull(country);
        ArgumentNullException.ThrowIfNull(bban);
        var check = 98 - Mod97(bban + country + "00");
        var iban = country + check.ToString("00", CultureInfo.InvariantCulture) + bban;
        return IsValid(iban) ? iban : throw new ArgumentException("Not a valid IBAN country code or BBAN.", nameof(bban));
    }

    /// <summary>ISO 7064 mod 97-10 over the digits of the text, letters expanded A=10 … Z=35.</summary>
    private static int Mod97(string text)
    {
        var remainder = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                var n = c - 'A' + 10;
                remainder = ((remainder * 100) + n) % 97;
            }
        }

        return remainder;
    }
}
