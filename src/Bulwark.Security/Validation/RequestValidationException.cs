namespace Bulwark.Security.Validation;

/// <summary>VAL-1/VAL-2: thrown when input breaks its constraints; rendered as 400 problem+json.</summary>
public sealed class RequestValidationException : Exception
{
    public RequestValidationException(IReadOnlyList<FieldError> errors)
        : base("The request failed validation.")
    {
        Errors = errors;
    }

    public RequestValidationException(string field, string constraint, string message)
        : this([new FieldError(field, new Dictionary<string, string> { [constraint] = message })])
    {
    }

    public RequestValidationException()
        : this([])
    {
    }

    public RequestValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public RequestValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<FieldError> Errors { get; }
}
