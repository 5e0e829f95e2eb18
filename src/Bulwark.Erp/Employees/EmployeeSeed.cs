using System.Globalization;
using Bulwark.Erp.Data;
using Bulwark.Erp.Tenants;
using Bulwark.Erp.Users;

namespace Bulwark.Erp.Employees;

/// <summary>
/// Development demo data for employees (called by the demo seeder only): one manager with direct
/// reports and a few people in other departments, with fake but well-formed sensitive values (IBANs
/// carry valid check digits). The tenant's <c>manager@</c> user is linked to the manager's record and
/// its <c>employee@</c> user to one of the direct reports (AZ-3 ownership needs that link).
/// </summary>
internal static class EmployeeSeed
{
    /// <summary><paramref name="Mailbox"/>: local part of the work email; for a linked user, the user's role (its login).</summary>
    private sealed record Person(string FirstName, string LastName, string Mailbox, string Department, string Title,
        string Status, int ManagerIndex, string? UserRole, DateOnly HireDate, long SalaryCents);

    private static readonly Person[] People =
    [
        new("Margaret", "Hale", "manager", "Operations", "Operations Manager", EmployeeContracts.Active, -1, Roles.Manager, new(2015, 3, 2), 9_850_000),
        new("John", "Thornton", "employee", "Operations", "Production Planner", EmployeeContracts.Active, 0, Roles.Employee, new(2018, 9, 17), 5_420_000),
        new("Nicholas", "Higgins", "nicholas.higgins", "Operations", "Machine Operator", EmployeeContracts.Active, 0, null, new(2019, 1, 7), 4_130_000),
        new("Bessy", "Higgins", "bessy.higgins", "Operations", "Quality Inspector", EmployeeContracts.OnLeave, 0, null, new(2021, 6, 1), 4_275_050),
        new("Fanny", "Thornton", "fanny.thornton", "Finance", "Accountant", EmployeeContracts.Active, -1, null, new(2017, 11, 20), 6_100_000),
        new("Henry", "Lennox", "henry.lennox", "Human Resources", "HR Generalist", EmployeeContracts.Active, -1, null, new(2020, 2, 3), 5_580_000),
        new("Edith", "Shaw", "edith.shaw", "Warehouse", "Warehouse Clerk", EmployeeContracts.Active, -1, null, new(2022, 4, 19), 3_890_000),
        new("Frederick", "Hale", "frederick.hale", "Sales", "Account Executive", EmployeeContracts.Terminated, -1, null, new(2016, 8, 29), 5_900_000),
    ];

    public static void Seed(BulwarkDbContext db, Tenant tenant)
    {
        var prefix = tenant.Slug.ToUpperInvariant();
        var employees = new List<Employee>(People.Length);
        for (var i = 0; i < People.Length; i++)
        {
            var person = People[i];
            var number = string.Create(CultureInfo.InvariantCulture, $"{prefix}-E{i + 1:000}");
            var employee = new Employee
            {
                TenantId = tenant.Id,
                Number = number,
                FirstName = person.FirstName,
                LastName = person.LastName,
                // The linked demo users share their login address with their employee record.
                WorkEmail = $"{person.Mailbox}@{tenant.Slug}.example",
                Department = person.Department,
                Title = person.Title,
                ManagerId = person.ManagerIndex >= 0 ? employees[person.ManagerIndex].Id : null,
                HireDate = person.HireDate,
                Status = person.Status,
                NationalId = string.Create(CultureInfo.InvariantCulture, $"{prefix}-NID-{4711 + (i * 97):00000}"),
                Iban = IbanRules.Create("DE", string.Create(CultureInfo.InvariantCulture,
                    $"{(tenant.Slug == "demo" ? 37040044 : 50010517)}{532013000 + (i * 1013):0000000000}")),
                SalaryCents = person.SalaryCents,
            };
            employees.Add(employee);
            db.Employees.Add(employee);
            if (person.UserRole is not null)
            {
                LinkUser(db, tenant, person.UserRole, employee);
            }
        }
    }

    /// <summary>The demo users were added (not yet saved) by the seeder just before: found in the change tracker.</summary>
    private static void LinkUser(BulwarkDbContext db, Tenant tenant, string role, Employee employee)
    {
        var email = $"{role}@{tenant.Slug}.example";
        var user = db.Users.Local.FirstOrDefault(u => u.TenantId == tenant.Id
            && string.Equals(u.Email, email, StringComparison.Ordinal));
        if (user is not null)
        {
            user.EmployeeId = employee.Id;
        }
    }
}
