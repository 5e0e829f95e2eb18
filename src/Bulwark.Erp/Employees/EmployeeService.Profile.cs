using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Employees;

/// <summary>AZ-3: what ownership rules need, and the self-service profile update.</summary>
public sealed partial class EmployeeService
{
    /// <summary>The id and manager of an employee of the caller's tenant (null: unknown here, including another tenant's).</summary>
    public Task<EmployeeAccessTarget?> FindAccessTargetAsync(Guid id, CancellationToken cancellationToken) =>
        db.Employees.AsNoTracking().Where(e => e.Id == id)
            .Select(e => new EmployeeAccessTarget(e.Id, e.ManagerId))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>Applies the fields present in <paramref name="request"/>; the rest stays as stored.</summary>
    public async Task<EmployeeResponse?> UpdateProfileAsync(Guid id, UpdateEmployeeProfileRequest request, bool includeSensitive,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var employee = await unitOfWork.RunAsync(async ct =>
        {
            var employee = await db.Employees.FirstOrDefaultAsync(e => e.Id == id, ct);
            if (employee is null)
            {
                return null;
            }

            db.ExpectVersion(employee, request.Version!.Value);
            employee.FirstName = request.FirstName ?? employee.FirstName;
            employee.LastName = request.LastName ?? employee.LastName;
            employee.Iban = request.Iban ?? employee.Iban;
            return employee;
        }, cancellationToken);
        return employee is null ? null : Respond(employee, includeSensitive);
    }
}
