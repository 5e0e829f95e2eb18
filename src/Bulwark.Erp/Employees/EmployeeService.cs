using System.Linq.Expressions;
using Bulwark.Erp.Crypto;
using Bulwark.Erp.Data;
using Bulwark.Security.Errors;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Employees;

public sealed partial class EmployeeService(BulwarkDbContext db, UnitOfWork unitOfWork, TimeProvider time)
{
    /// <summary>How far up the management chain a cycle check walks before it gives up (422).</summary>
    public const int MaxManagementDepth = 256;

    public static readonly SortMap<Employee> Sort = new SortMap<Employee>()
        .Add("number", e => e.Number)
        .Add("lastName", e => e.LastName)
        .Add("hireDate", e => e.HireDate)
        .Add("department", e => e.Department);

    /// <summary>Arbitrary constant naming the "management hierarchy" family of PostgreSQL advisory locks.</summary>
    private const int HierarchyLockClass = 0x454D5048;

    private static readonly Expression<Func<Employee, EmployeeResponse>> ToFullResponse = e => new EmployeeResponse(
        e.Id, e.Number, e.FirstName, e.LastName, e.WorkEmail, e.Department, e.Title, e.ManagerId, e.HireDate, e.Status,
        e.Version, e.CreatedAt, e.UpdatedAt, e.NationalId, e.Iban,
        e.SalaryCents == null ? null : Money.FromCents(e.SalaryCents.Value));

    // AZ-5: without permission the sensitive columns are not even read.
    private static readonly Expression<Func<Employee, EmployeeResponse>> ToPublicResponse = e => new EmployeeResponse(
        e.Id, e.Number, e.FirstName, e.LastName, e.WorkEmail, e.Department, e.Title, e.ManagerId, e.HireDate, e.Status,
        e.Version, e.CreatedAt, e.UpdatedAt, null, null, null);

    private static readonly Func<Employee, EmployeeResponse> ToFullResponseCompiled = ToFullResponse.Compile();
    private static readonly Func<Employee, EmployeeResponse> ToPublicResponseCompiled = ToPublicResponse.Compile();

    public Task<PagedResult<EmployeeResponse>> ListAsync(PageQuery page, string? department, string? status, Guid? managerId,
        string? nationalId, bool includeSensitive, CancellationToken cancellationToken)
    {
        var query = db.Employees.AsNoTracking();
        if (nationalId is not null)
        {
            // DATA-1: exact match on the keyed blind index; the clear value never reaches SQL.
            query = query.WhereBlindIndexEquals(db, nameof(Employee.NationalId), nationalId);
        }

        if (department is not null)
        {
            query = query.Where(e => e.Department == department);
        }

        if (status is not null)
        {
            query = query.Where(e => e.Status == status);
        }

        if (managerId is not null)
        {
            query = query.Where(e => e.ManagerId == managerId);
        }

        return query.ToPageAsync(db, page, Sort, Projection(includeSensitive), cancellationToken);
    }

    public Task<EmployeeResponse?> FindAsync(Guid id, bool includeSensitive, CancellationToken cancellationToken) =>
        db.Employees.AsNoTracking().Where(e => e.Id == id).Select(Projection(includeSensitive)).FirstOrDefaultAsync(cancellationToken);

    public async Task<EmployeeResponse> CreateAsync(CreateEmployeeRequest request, bool includeSensitive,
        CancellationToken cancellationToken)
    {
        EnsureHireDateNotTooLate(request.HireDate!.Value);
        var employee = await unitOfWork.RunAsync(async ct =>
        {
            if (await db.Employees.AnyAsync(e => e.Number == request.Number, ct))
            {
                throw BusinessRuleException.Conflict("An employee with this number already exists.");
            }

            // A new employee has no reports yet, so naming an existing manager cannot close a cycle.
            await EnsureManagerAsync(null, request.ManagerId, ct);
            var employee = new Employee
            {
                Number = request.Number!,
                FirstName = request.FirstName!,
                LastName = request.LastName!,
                WorkEmail = request.WorkEmail!,
                Department = request.Department!,
                Title = request.Title!,
                ManagerId = request.ManagerId,
                HireDate = request.HireDate!.Value,
                Status = request.Status!,
                NationalId = request.NationalId,
                Iban = request.Iban,
                SalaryCents = request.Salary is { } salary ? Money.ToCents(salary) : null,
            };
            db.Employees.Add(employee);
            return employee;
        }, cancellationToken);
        return Respond(employee, includeSensitive);
    }

    public async Task<EmployeeResponse?> UpdateAsync(Guid id, UpdateEmployeeRequest request, bool includeSensitive,
        CancellationToken cancellationToken)
    {
        EnsureHireDateNotTooLate(request.HireDate!.Value);
        var employee = await unitOfWork.RunAsync(async ct =>
        {
            var employee = await db.Employees.FirstOrDefaultAsync(e => e.Id == id, ct);
            if (employee is null)
            {
                return null;
            }

            if (request.ManagerId != employee.ManagerId)
            {
                await EnsureManagerAsync(employee.Id, request.ManagerId, ct);
            }

            db.ExpectVersion(employee, request.Version!.Value);
            employee.FirstName = request.FirstName!;
            employee.LastName = request.LastName!;
            employee.WorkEmail = request.WorkEmail!;
            employee.Department = request.Department!;
            employee.Title = request.Title!;
            employee.ManagerId = request.ManagerId;
            employee.HireDate = request.HireDate!.Value;
            employee.Status = request.Status!;
            employee.NationalId = request.NationalId;
            employee.Iban = request.Iban;
            employee.SalaryCents = request.Salary is { } salary ? Money.ToCents(salary) : null;
            return employee;
        }, cancellationToken);
        return employee is null ? null : Respond(employee, includeSensitive);
    }

    private static Expression<Func<Employee, EmployeeResponse>> Projection(bool includeSensitive) =>
        includeSensitive ? ToFullResponse : ToPublicResponse;

    private static EmployeeResponse Respond(Employee employee, bool includeSensitive) =>
        includeSensitive ? ToFullResponseCompiled(employee) : ToPublicResponseCompiled(employee);

    /// <summary>VAL-2: the clock-dependent half of the hire-date range (today + 1 year, UTC).</summary>
    private void EnsureHireDateNotTooLate(DateOnly hireDate)
    {
        var latest = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddYears(1);
        if (hireDate > latest)
        {
            throw new RequestValidationException("hireDate", "range", EmployeeContracts.HireDateRangeMessage);
        }
    }

    /// <summary>
    /// AZ-4: the manager must be an employee of the caller's tenant (the query filter hides every other
    /// tenant, so a foreign id reads as unknown). For an existing employee, the chain above the new manager
    /// must not lead back to the employee (A manages B manages A).
    /// </summary>
    private async Task EnsureManagerAsync(Guid? employeeId, Guid? managerId, CancellationToken cancellationToken)
    {
        if (managerId is not { } firstManager)
        {
            return;
        }

        if (firstManager == employeeId)
        {
            throw BusinessRuleException.Unprocessable("managerId must not be the employee itself.", "managerId");
        }

        if (employeeId is not null && db is PostgresBulwarkDbContext)
        {
            // Two concurrent re-parentings (A under B, B under A) would each see an acyclic chain under
            // READ COMMITTED; a per-tenant transaction-scoped advisory lock serializes hierarchy changes so
            // the second walk sees the first one's commit. SQLite is already serialized by the WriteGate.
            // Parameterized (FormattableString), not hand-built SQL (DATA-2).
            var tenantKey = db.CurrentTenantId.GetValueOrDefault().GetHashCode();
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({HierarchyLockClass}, {tenantKey})", cancellationToken);
        }

        Guid? cursor = firstManager;
        for (var depth = 0; cursor is { } current; depth++)
        {
            if (depth >= MaxManagementDepth)
            {
                throw BusinessRuleException.Unprocessable("managerId: the management chain is too deep.", "managerId");
            }

            var row = await db.Employees.AsNoTracking().Where(e => e.Id == current)
                .Select(e => new { e.ManagerId }).FirstOrDefaultAsync(cancellationToken);
            if (row is null)
            {
                // Only the first hop can be missing: stored manager references are foreign keys.
                throw BusinessRuleException.Unprocessable("managerId does not refer to an employee.", "managerId");
            }

            if (employeeId is not null && row.ManagerId == employeeId)
            {
                throw BusinessRuleException.Unprocessable(
                    "managerId would make the employee their own indirect manager (a management cycle).", "managerId");
            }

            cursor = employeeId is null ? null : row.ManagerId;
        }
    }
}
