using Bulwark.Erp.Data;

namespace Bulwark.Erp.Employees;

/// <summary>
/// An employee record. <see cref="NationalId"/>, <see cref="Iban"/> and <see cref="SalaryCents"/> are
/// sensitive: clear here, AES-256-GCM encrypted in the database by the EF model (DATA-1, <see cref="EmployeeConfiguration"/>).
/// </summary>
public sealed class Employee : TenantEntity
{
    public required string Number { get; set; }

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    public required string WorkEmail { get; set; }

    public required string Department { get; set; }

    public required string Title { get; set; }

    public Guid? ManagerId { get; set; }

    public DateOnly HireDate { get; set; }

    /// <summary>active, on-leave or terminated.</summary>
    public required string Status { get; set; }

    public string? NationalId { get; set; }

    public string? Iban { get; set; }

    public long? SalaryCents { get; set; }
}
