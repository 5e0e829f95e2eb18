using Bulwark.Security.Validation;

namespace Bulwark.Erp.Employees;

/// <summary>
/// AZ-3/VAL-3: the fields an employee may change on their own record (PATCH; absent = unchanged). Anything
/// else — salary, manager, department, status, title, tenant, id — is an unknown property: 400, nothing changes.
/// <c>version</c> must match the stored one (DATA-6).
/// </summary>
public sealed record UpdateEmployeeProfileRequest : IValidatableRequest
{
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    /// <summary>The bank account salary is paid into.</summary>
    public string? Iban { get; init; }

    public int? Version { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.PlainText("firstName", FirstName, EmployeeContracts.NameMaxLength, required: false);
        errors.PlainText("lastName", LastName, EmployeeContracts.NameMaxLength, required: false);
        IbanRules.Validate(errors, "iban", Iban);
        errors.Range("version", Version, 1, int.MaxValue);
        if (FirstName is null && LastName is null && Iban is null)
        {
            errors.Add("firstName", "required", "at least one of firstName, lastName, iban is required");
        }
    }
}
