using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using Bulwark.Erp.Data;
using System.Security.Claims;
using Bulwark.Security.Errors;
using Bulwark.Security.Headers;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Erp.Employees;

public static class EmployeeEndpoints
{
    public static RouteGroupBuilder MapEmployees(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/employees").WithTags("Employees");
        group.MapGet("/", ListEmployees).WithName("ListEmployees").RequirePermission(Permissions.EmployeesRead, Permissions.EmployeesReadReports)
            .WithListQuery(EmployeeService.Sort.Names, "department", "status", "managerId", "nationalId").WithCompression();
        group.MapGet("/{id:guid}", GetEmployee).WithName("GetEmployee")
            .RequirePermission(Permissions.EmployeesRead, Permissions.EmployeesReadOwn, Permissions.EmployeesReadReports);
        group.MapPost("/", CreateEmployee).WithName("CreateEmployee").RequirePermission(Permissions.EmployeesWrite);
        group.MapPut("/{id:guid}", UpdateEmployee).WithName("UpdateEmployee").RequirePermission(Permissions.EmployeesWrite);
        return group;
    }

    private static async Task<Ok<PagedResult<EmployeeResponse>>> ListEmployees(
        PageQuery page, string? department, string? status, Guid? managerId, string? nationalId, ClaimsPrincipal user,
        EmployeeService employees, CancellationToken cancellationToken)
    {
        // VAL-6: filter values are checked like body fields (a status outside the enum is an error, not an empty page).
        var errors = new ValidationErrors();
        errors.PlainText("department", department, EmployeeContracts.DepartmentMaxLength, required: false);
        errors.OneOf("status", status, EmployeeContracts.Statuses, required: false);
        errors.PlainText("nationalId", nationalId, EmployeeContracts.NationalIdMaxLength, required: false);
        errors.ThrowIfAny();
        var canReadSensitive = EmployeeVisibility.CanReadSensitive(user);
        if (nationalId is not null && !canReadSensitive)
        {
            // DATA-1/AZ-5: searching by a sensitive value is reading it; only callers who may read it may search.
            throw new BusinessRuleException(StatusCodes.Status403Forbidden,
                "Filtering by nationalId requires permission to read sensitive employee fields.");
        }

        return TypedResults.Ok(await employees.ListAsync(page, department, status, managerId, nationalId,
            canReadSensitive, cancellationToken));
    }

    private static async Task<Results<Ok<EmployeeResponse>, NotFound>> GetEmployee(
        Guid id, ClaimsPrincipal user, EmployeeService employees, CancellationToken cancellationToken)
    {
        // AZ-4: the tenant query filter makes another tenant's id look exactly like a missing one.
        var employee = await employees.FindAsync(id, EmployeeVisibility.CanReadSensitive(user), cancellationToken);
        return EndpointResults.OkOrNotFound(employee);
    }

    private static async Task<Created<EmployeeResponse>> CreateEmployee(
        CreateEmployeeRequest request, ClaimsPrincipal user, EmployeeService employees, CancellationToken cancellationToken)
    {
        var employee = await employees.CreateAsync(request, EmployeeVisibility.CanReadSensitive(user), cancellationToken);
        return TypedResults.Created($"/api/v1/employees/{employee.Id}", employee);
    }

    private static async Task<Results<Ok<EmployeeResponse>, NotFound>> UpdateEmployee(
        Guid id, UpdateEmployeeRequest request, ClaimsPrincipal user, EmployeeService employees,
        CancellationToken cancellationToken)
    {
        var employee = await employees.UpdateAsync(id, request, EmployeeVisibility.CanReadSensitive(user), cancellationToken);
        return EndpointResults.OkOrNotFound(employee);
    }
}
