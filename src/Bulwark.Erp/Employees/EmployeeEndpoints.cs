using Bulwark.Erp.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Security.Authorization;
using Bulwark.Security.Errors;
using Bulwark.Security.Headers;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Erp.Employees;

public static class EmployeeEndpoints
{
    public static RouteGroupBuilder MapEmployees(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/employees").WithTags("Employees").AuditCrossTenantIds<Employee>();
        // AZ-3: a manager lists only their direct reports (ListScope).
        group.MapGet("/", ListEmployees).WithName("ListEmployees").RequirePermission(Permissions.EmployeesRead, Permissions.EmployeesReadReports)
            .WithListQuery(EmployeeService.Sort.Names, "department", "status", "managerId", "nationalId").WithCompression();
        // AZ-3: which of these applies to the record is decided by EmployeeAccessHandler.
        group.MapGet("/{id:guid}", GetEmployee).WithName("GetEmployee")
            .RequirePermission(Permissions.EmployeesRead, Permissions.EmployeesReadOwn, Permissions.EmployeesReadReports);
        group.MapPost("/", CreateEmployee).WithName("CreateEmployee").RequirePermission(Permissions.EmployeesWrite);
        group.MapPut("/{id:guid}", UpdateEmployee).WithName("UpdateEmployee").RequirePermission(Permissions.EmployeesWrite);
        group.MapPatch("/{id:guid}", UpdateEmployeeProfile).WithName("UpdateEmployeeProfile")
            .RequirePermission(Permissions.EmployeesWrite, Permissions.EmployeesUpdateOwn);
        return group;
    }

    private static async Task<Ok<PagedResult<EmployeeResponse>>> ListEmployees(
        PageQuery page, string? department, string? status, Guid? managerId, string? nationalId, HttpContext http,
        EmployeeService employees, CancellationToken cancellationToken)
    {
        // VAL-6: filter values are checked like body fields (a status outside the enum is an error, not an empty page).
        var errors = new ValidationErrors();
        errors.PlainText("department", department, EmployeeContracts.DepartmentMaxLength, required: false);
        errors.OneOf("status", status, EmployeeContracts.Statuses, required: false);
        errors.PlainText("nationalId", nationalId, EmployeeContracts.NationalIdMaxLength, required: false);
        errors.ThrowIfAny();
        var permissions = await http.GetPermissionsAsync();
        if (EmployeeAccess.ListScope(permissions) is { } reportsOf)
        {
            // AZ-3: only direct reports; asking for someone else's reports yields nobody.
            managerId = managerId is null || managerId == reportsOf ? reportsOf : Guid.Empty;
        }

        var canReadSensitive = EmployeeVisibility.CanReadSensitive(permissions);
        if (nationalId is not null && !canReadSensitive)
        {
            // DATA-1/AZ-5: searching by a sensitive value is reading it; only callers who may read it may search.
            throw new BusinessRuleException(StatusCodes.Status403Forbidden,
                "Filtering by nationalId requires permission to read sensitive employee fields.");
        }

        return TypedResults.Ok(await employees.ListAsync(page, department, status, managerId, nationalId,
            canReadSensitive, cancellationToken));
    }

    private static async Task<Results<Ok<EmployeeResponse>, NotFound, ForbiddenProblemResult>> GetEmployee(
        Guid id, HttpContext http, EmployeeService employees, CancellationToken cancellationToken)
    {
        switch (await AuthorizeAsync(id, EmployeeAccess.Read, http, employees, cancellationToken))
        {
            case StatusCodes.Status404NotFound:
                return TypedResults.NotFound();
            case StatusCodes.Status403Forbidden:
                return ForbiddenProblemResult.Instance;
        }

        var permissions = await http.GetPermissionsAsync();
        var employee = await employees.FindAsync(id, EmployeeVisibility.CanReadSensitive(permissions, id), cancellationToken);
        return employee is null ? TypedResults.NotFound() : TypedResults.Ok(employee);
    }

    private static async Task<Created<EmployeeResponse>> CreateEmployee(
        CreateEmployeeRequest request, HttpContext http, EmployeeService employees, CancellationToken cancellationToken)
    {
        var permissions = await http.GetPermissionsAsync();
        var employee = await employees.CreateAsync(request, EmployeeVisibility.CanReadSensitive(permissions), cancellationToken);
        return TypedResults.Created($"/api/v1/employees/{employee.Id}", employee);
    }

    private static async Task<Results<Ok<EmployeeResponse>, NotFound>> UpdateEmployee(
        Guid id, UpdateEmployeeRequest request, HttpContext http, EmployeeService employees,
        CancellationToken cancellationToken)
    {
        var permissions = await http.GetPermissionsAsync();
        var employee = await employees.UpdateAsync(id, request, EmployeeVisibility.CanReadSensitive(permissions, id), cancellationToken);
        return EndpointResults.OkOrNotFound(employee);
    }

    private static async Task<Results<Ok<EmployeeResponse>, NotFound, ForbiddenProblemResult>> UpdateEmployeeProfile(
        Guid id, UpdateEmployeeProfileRequest request, HttpContext http, EmployeeService employees,
        CancellationToken cancellationToken)
    {
        switch (await AuthorizeAsync(id, EmployeeAccess.UpdateProfile, http, employees, cancellationToken))
        {
            case StatusCodes.Status404NotFound:
                return TypedResults.NotFound();
            case StatusCodes.Status403Forbidden:
                return ForbiddenProblemResult.Instance;
        }

        var permissions = await http.GetPermissionsAsync();
        var employee = await employees.UpdateProfileAsync(id, request, EmployeeVisibility.CanReadSensitive(permissions, id), cancellationToken);
        return employee is null ? TypedResults.NotFound() : TypedResults.Ok(employee);
    }

    /// <summary>
    /// AZ-4 then AZ-3: 404 when the id is not an employee of the caller's tenant (the query filter hides other
    /// tenants), 403 when the ownership rule refuses (audited), 200 when allowed.
    /// </summary>
    private static async Task<int> AuthorizeAsync(Guid id, OperationAuthorizationRequirement requirement, HttpContext http,
        EmployeeService employees, CancellationToken cancellationToken)
    {
        var target = await employees.FindAccessTargetAsync(id, cancellationToken);
        if (target is null)
        {
            return StatusCodes.Status404NotFound;
        }

        return await http.AuthorizeResourceAsync(target, requirement) ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden;
    }
}
