namespace Bulwark.Security.Errors;

/// <summary>
/// A request that is well-formed but breaks a business rule (unbalanced entry, posted entry edited,
/// stock would go negative). Rendered as problem+json with <see cref="Status"/> (409 or 422) and the
/// safe, caller-facing <see cref="Exception.Message"/>.
/// </summary>
public sealed class BusinessRuleException : Exception
{
    public BusinessRuleException(int status, string message, string? field = null)
        : base(message)
    {
        Status = status;
        Field = field;
    }

    public BusinessRuleException()
        : this(422, "The request breaks a business rule.")
    {
    }

    public BusinessRuleException(string message)
        : this(422, message)
    {
    }

    public BusinessRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 422;
    }

    public int Status { get; }

    public string? Field { get; }

    public static BusinessRuleException Conflict(string message) => new(409, message);

    public static BusinessRuleException Unprocessable(string message, string? field = null) => new(422, message, field);
}
