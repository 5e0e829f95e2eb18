namespace Bulwark.Security.Validation;

/// <summary>
/// ERR-1/VAL-1: one entry of a validation problem: the field by its JSON path (never a C# name)
/// and each violated constraint with a human-readable message.
/// </summary>
public sealed record FieldError(string Field, IReadOnlyDictionary<string, string> Constraints);
