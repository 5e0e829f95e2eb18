using System.Text.Json;

namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-1: turns a System.Text.Json failure into a field error naming the JSON path and the broken
/// rule. The exception message is only classified, never echoed: it names .NET types (ERR-2).
/// </summary>
internal static class StrictJsonErrors
{
    private const int MaxFieldLength = 128;

    public static FieldError ToFieldError(JsonException exception)
    {
        var message = exception.Message ?? string.Empty;
        var field = FieldFromPath(exception.Path);
        string constraint;
        string text;
        if (exception is StrictStringException strict)
        {
            (constraint, text) = (strict.Constraint, strict.Description);
        }
        else if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            (constraint, text) = ("unknownProperty", "is not a property of this request");
        }
        else if (message.StartsWith("Duplicate property", StringComparison.Ordinal))
        {
            (constraint, text) = ("duplicateProperty", "appears more than once");
        }
        else if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var missing = QuotedAfter(message, "including:");
            field = missing is null ? field : Join(field, missing);
            (constraint, text) = ("required", "is required");
        }
        else if (message.Contains("null", StringComparison.OrdinalIgnoreCase)
                 && message.Contains("allow", StringComparison.OrdinalIgnoreCase))
        {
            (constraint, text) = ("required", "must not be null");
        }
        else if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            (constraint, text) = ("maxDepth", "is nested too deeply");
        }
        else if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            (constraint, text) = ("type", "has the wrong JSON type or format");
        }
        else
        {
            (constraint, text) = ("json", "is not well-formed JSON");
        }

        return new FieldError(field, new Dictionary<string, string> { [constraint] = text });
    }

    /// <summary>"$.lines[2].debit" → "lines[2].debit"; "$['a b']" → "a b"; "$" → "$".</summary>
    internal static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        field = field.Replace("['", ".", StringComparison.Ordinal).Replace("']", string.Empty, StringComparison.Ordinal).TrimStart('.');
        return field.Length > MaxFieldLength ? field[..MaxFieldLength] : field;
    }

    private static string Join(string parent, string child) => parent == "$" ? child : parent + "." + child;

    private static string? QuotedAfter(string message, string marker)
    {
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = message.IndexOf('\'', at);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }
}
