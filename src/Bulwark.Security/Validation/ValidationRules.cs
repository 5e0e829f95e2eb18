using System.Globalization;
using System.Net.Mail;

namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-2: the constraint vocabulary of request DTOs. Each method checks one property and records
/// violations under the property's JSON path with a stable constraint name
/// (required, minLength, maxLength, plainText, range, scale, format, enum, minItems, maxItems).
/// </summary>
public static class ValidationRules
{
    /// <summary>Plain-text string: required (when asked), length bounds, no markup/control characters.</summary>
    public static void PlainText(this ValidationErrors errors, string field, string? value, int maxLength,
        bool required = true, int minLength = 1, bool multiline = false)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "required", "is required");
            }

            return;
        }

        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "required", "must not be blank");
            return;
        }

        Length(errors, field, value, minLength, maxLength);
        if (TextRules.HasForbiddenPlainTextCharacters(value, multiline))
        {
            errors.Add(field, "plainText", "must not contain markup or control characters");
        }
    }

    /// <summary>Rich-text string (sanitized later with the HTML allow-list): length bounds only.</summary>
    public static void RichText(this ValidationErrors errors, string field, string? value, int maxLength, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "required", "is required");
            }

            return;
        }

        Length(errors, field, value, 0, maxLength);
    }

    public static void Email(this ValidationErrors errors, string field, string? value, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        PlainText(errors, field, value, 254, required, 3);
        if (value is null || errors.HasErrorFor(field))
        {
            return;
        }

        if (!IsEmail(value))
        {
            errors.Add(field, "format", "must be an email address");
        }
    }

    public static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address)
        && string.Equals(address.Address, value, StringComparison.Ordinal)
        && value.Contains('@', StringComparison.Ordinal)
        && !value.Contains(' ', StringComparison.Ordinal);

    /// <summary>A code-like token: letters, digits, '-', '_', '.' only.</summary>
    public static void Code(this ValidationErrors errors, string field, string? value, int maxLength, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        PlainText(errors, field, value, maxLength, required);
        if (value is null || errors.HasErrorFor(field))
        {
            return;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                errors.Add(field, "format", "may contain only letters, digits, '-', '_' and '.'");
                return;
            }
        }
    }

    public static void Required<T>(this ValidationErrors errors, string field, T? value)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            errors.Add(field, "required", "is required");
        }
    }

    public static void Required(this ValidationErrors errors, string field, object? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            errors.Add(field, "required", "is required");
        }
    }

    public static void Range(this ValidationErrors errors, string field, long? value, long min, long max, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "required", "is required");
            }

            return;
        }

        if (value < min || value > max)
        {
            errors.Add(field, "range", string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
        }
    }

    /// <summary>A money amount: range and at most <paramref name="scale"/> decimal places.</summary>
    public static void Money(this ValidationErrors errors, string field, decimal? value, decimal min, decimal max,
        bool required = true, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "required", "is required");
            }

            return;
        }

        if (value < min || value > max)
        {
            errors.Add(field, "range", string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
        }

        if (decimal.Round(value.Value, scale) != value.Value)
        {
            errors.Add(field, "scale", string.Create(CultureInfo.InvariantCulture, $"must have at most {scale} decimal places"));
        }
    }

    public static void OneOf(this ValidationErrors errors, string field, string? value, IReadOnlyCollection<string> allowed, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(allowed);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "required", "is required");
            }

            return;
        }

        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(field, "enum", "must be one of: " + string.Join(", ", allowed));
        }
    }

    public static void Items<T>(this ValidationErrors errors, string field, IReadOnlyList<T>? items, int minItems, int maxItems, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (items is null)
        {
            if (required)
            {
                errors.Add(field, "required", "is required");
            }

            return;
        }

        if (items.Count < minItems)
        {
            errors.Add(field, "minItems", string.Create(CultureInfo.InvariantCulture, $"must have at least {minItems} items"));
        }

        if (items.Count > maxItems)
        {
            errors.Add(field, "maxItems", string.Create(CultureInfo.InvariantCulture, $"must have at most {maxItems} items"));
        }
    }

    public static void NotEmpty(this ValidationErrors errors, string field, Guid? value, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "required", "is required");
            }

            return;
        }

        if (value == Guid.Empty)
        {
            errors.Add(field, "format", "must be a non-empty id");
        }
    }

    public static void DateRange(this ValidationErrors errors, string field, DateOnly? value, DateOnly min, DateOnly max, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "required", "is required");
            }

            return;
        }

        if (value < min || value > max)
        {
            errors.Add(field, "range", string.Create(CultureInfo.InvariantCulture, $"must be between {min:yyyy-MM-dd} and {max:yyyy-MM-dd}"));
        }
    }

    /// <summary>
    /// AUTH-1: a password being set (registration, change, reset, create-admin — not login): 12 to 128
    /// characters counted as Unicode code points, any characters allowed (no composition rules, NIST
    /// SP 800-63B §3.1.1.2), and not on the bundled common/breached list (<see cref="Authentication.CommonPasswordList"/>).
    /// The upper bound keeps hashing cost bounded.
    /// </summary>
    public static void NewPassword(this ValidationErrors errors, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, "required", "is required");
            return;
        }

        var length = value.EnumerateRunes().Count();
        if (length > NewPasswordMaxLength)
        {
            errors.Add(field, "maxLength", string.Create(CultureInfo.InvariantCulture, $"must be at most {NewPasswordMaxLength} characters"));
        }
        else if (length < NewPasswordMinLength)
        {
            errors.Add(field, "minLength", string.Create(CultureInfo.InvariantCulture, $"must be at least {NewPasswordMinLength} characters"));
        }
        else if (Authentication.CommonPasswordList.Contains(value))
        {
            // AUTH-1: a bundled list of common/breached passwords (CommonPasswordList).
            errors.Add(field, "commonPassword", "is a commonly used password (found in breach corpora); choose another");
        }
    }

    /// <summary>
    /// AUTH-11: the caller's current password for a re-authentication: required, any characters, at most 1024 (as at login,
    /// so hashing cost is bounded). Whether it is right is checked later (403), not here.
    /// </summary>
    public static void CurrentPassword(this ValidationErrors errors, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, "required", "is required");
        }
        else if (value.Length > 1024)
        {
            errors.Add(field, "maxLength", "must be at most 1024 characters");
        }
    }

    /// <summary>AUTH-8: a TOTP code as authenticator apps show it: exactly 6 digits.</summary>
    public static void TotpCode(this ValidationErrors errors, string field, string? value, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "required", "is required");
            }

            return;
        }

        if (value.Length > 6)
        {
            errors.Add(field, "maxLength", "must be at most 6 characters");
        }
        else if (value.Length != 6 || !value.All(char.IsAsciiDigit))
        {
            errors.Add(field, "pattern", "must be 6 digits");
        }
    }

    /// <summary>An opaque token issued by this server (refresh, MFA challenge): 43 base64url characters. Shape only.</summary>
    public static void OpaqueToken(this ValidationErrors errors, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.PlainText(field, value, 64);
        if (value is not null && !errors.HasErrorFor(field) && !Authentication.RefreshTokenCodec.IsWellFormed(value))
        {
            // Shape only: a well-formed but unknown token is a 401 like every other failure (AUTH-10).
            errors.Add(field, "format", "must be a token issued by this server");
        }
    }

    /// <summary>AUTH-1: shortest password that can be set.</summary>
    public const int NewPasswordMinLength = 12;

    /// <summary>AUTH-1: longest password that can be set.</summary>
    public const int NewPasswordMaxLength = 128;

    private static void Length(ValidationErrors errors, string field, string value, int minLength, int maxLength)
    {
        if (value.Length > maxLength)
        {
            errors.Add(field, "maxLength", string.Create(CultureInfo.InvariantCulture, $"must be at most {maxLength} characters"));
        }
        else if (value.Length < minLength)
        {
            errors.Add(field, "minLength", string.Create(CultureInfo.InvariantCulture, $"must be at least {minLength} characters"));
        }
    }
}
