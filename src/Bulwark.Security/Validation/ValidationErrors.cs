namespace Bulwark.Security.Validation;

/// <summary>Collects field errors keyed by JSON path; the request is rejected when any exist.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, Dictionary<string, string>> _errors = new(StringComparer.Ordinal);

    public bool HasErrors => _errors.Count > 0;

    public int Count => _errors.Count;

    public void Add(string field, string constraint, string message)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!_errors.TryGetValue(field, out var constraints))
        {
            constraints = new Dictionary<string, string>(StringComparer.Ordinal);
            _errors[field] = constraints;
        }

        constraints.TryAdd(constraint, message);
    }

    public bool HasErrorFor(string field) => _errors.ContainsKey(field);

    public IReadOnlyList<FieldError> ToList() =>
        _errors.Select(e => new FieldError(e.Key, e.Value)).ToList();

    /// <summary>Throws <see cref="RequestValidationException"/> when any error was collected.</summary>
    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw new RequestValidationException(ToList());
        }
    }
}
