using Bulwark.Security.Validation;

namespace Bulwark.Erp.Employees;

public static class EmployeeContracts
{
    public const int NumberMaxLength = 32;
    public const int NameMaxLength = 100;
    public const int DepartmentMaxLength = 100;
    public const int TitleMaxLength = 100;
    public const int NationalIdMaxLength = 32;
    public const decimal MaxSalary = 100_000_000m;

    public const string Active = "active";
    public const string OnLeave = "on-leave";
    public const string Terminated = "terminated";

    public static readonly IReadOnlyList<string> Statuses = [Active, OnLeave, Terminated];

    /// <summary>The earliest hire date accepted; the latest is one year after today (checked by the service).</summary>
    public static readonly DateOnly MinHireDate = new(1900, 1, 1);

    internal const string HireDateRangeMessage = "must be between 1900-01-01 and one year from today";

    /// <summary>VAL-2: the fields shared by create and update, checked the same way for both.</summary>
    internal static void ValidateEditable(ValidationErrors errors, string? firstName, string? lastName, string? workEmail,
        string? department, string? title, Guid? managerId, DateOnly? hireDate, string? status, string? nationalId,
        string? iban, decimal? salary)
    {
        errors.PlainText("firstName", firstName, NameMaxLength);
        errors.PlainText("lastName", lastName, NameMaxLength);
        errors.Email("workEmail", workEmail);
        errors.PlainText("department", department, DepartmentMaxLength);
        errors.PlainText("title", title, TitleMaxLength);
        errors.NotEmpty("managerId", managerId, required: false);
        // The upper bound (today + 1 year) depends on the clock: EmployeeService checks it with TimeProvider.
        errors.Required("hireDate", hireDate);
        if (hireDate < MinHireDate)
        {
            errors.Add("hireDate", "range", HireDateRangeMessage);
        }

        errors.OneOf("status", status, Statuses);
        NationalId(errors, "nationalId", nationalId);
        IbanRules.Validate(errors, "iban", iban);
        errors.Money("salary", salary, 0m, MaxSalary, required: false);
    }

    /// <summary>Optional; letters, digits and '-' only (no spaces, no markup).</summary>
    private static void NationalId(ValidationErrors errors, string field, string? value)
    {
        errors.PlainText(field, value, NationalIdMaxLength, required: false);
        if (value is null || errors.HasErrorFor(field))
        {
            return;
        }

        if (value.Length == 0 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            errors.Add(field, "format", "may contain only letters, digits and '-'");
        }
    }
}

/// <summary>VAL-2/VAL-3: what a client may set on a new employee; id, tenant, version and timestamps are server-owned.</summary>
public sealed record CreateEmployeeRequest : IValidatableRequest
{
    public string? Number { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? WorkEmail { get; init; }

    public string? Department { get; init; }

    public string? Title { get; init; }

    /// <summary>Optional; must be an employee of the caller's tenant (422 otherwise).</summary>
    public Guid? ManagerId { get; init; }

    public DateOnly? HireDate { get; init; }

    /// <summary>active, on-leave or terminated.</summary>
    public string? Status { get; init; }

    public string? NationalId { get; init; }

    public string? Iban { get; init; }

    public decimal? Salary { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.Code("number", Number, EmployeeContracts.NumberMaxLength);
        EmployeeContracts.ValidateEditable(errors, FirstName, LastName, WorkEmail, Department, Title, ManagerId, HireDate,
            Status, NationalId, Iban, Salary);
    }
}

/// <summary>
/// Full replacement of an employee's editable fields (the number is fixed at creation);
/// <c>version</c> must match the stored one (DATA-6).
/// </summary>
public sealed record UpdateEmployeeRequest : IValidatableRequest
{
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? WorkEmail { get; init; }

    public string? Department { get; init; }

    public string? Title { get; init; }

    public Guid? ManagerId { get; init; }

    public DateOnly? HireDate { get; init; }

    public string? Status { get; init; }

    public string? NationalId { get; init; }

    public string? Iban { get; init; }

    public decimal? Salary { get; init; }

    public int? Version { get; init; }

    public void Validate(ValidationErrors errors)
    {
        EmployeeContracts.ValidateEditable(errors, FirstName, LastName, WorkEmail, Department, Title, ManagerId, HireDate,
            Status, NationalId, Iban, Salary);
        errors.Range("version", Version, 1, int.MaxValue);
    }
}

/// <summary>
/// An employee. <see cref="NationalId"/>, <see cref="Iban"/> and <see cref="Salary"/> are sensitive: null — and
/// therefore omitted from the JSON — unless the caller may read them (AZ-5, see <see cref="EmployeeVisibility"/>).
/// </summary>
public sealed record EmployeeResponse(
    Guid Id,
    string Number,
    string FirstName,
    string LastName,
    string WorkEmail,
    string Department,
    string Title,
    Guid? ManagerId,
    DateOnly HireDate,
    string Status,
    int Version,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? NationalId = null,
    string? Iban = null,
    decimal? Salary = null);
