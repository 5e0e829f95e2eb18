using System.Text.Json;

namespace Bulwark.Security.Validation;

/// <summary>Raised by <see cref="NormalizingStringConverter"/>; carries the violated constraint.</summary>
public sealed class StrictStringException : JsonException
{
    public StrictStringException(string constraint, string description)
        : base(null)
    {
        Constraint = constraint;
        Description = description;
    }

    public StrictStringException()
        : this("json", "is invalid")
    {
    }

    public StrictStringException(string message)
        : this("json", message)
    {
    }

    public StrictStringException(string message, Exception innerException)
        : base(message, innerException)
    {
        Constraint = "json";
        Description = "is invalid";
    }

    public string Constraint { get; }

    public string Description { get; }
}
