using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace Bulwark.Erp.Employees;

/// <summary>The employee record an ownership rule is evaluated against (AZ-3).</summary>
public sealed record EmployeeAccessTarget(Guid EmployeeId, Guid? ManagerId);

/// <summary>
/// AZ-3: ownership rules for employee records, as framework authorization requirements evaluated against an
/// <see cref="EmployeeAccessTarget"/> by <see cref="EmployeeAccessHandler"/> — never as checks inside services.
/// </summary>
public static class EmployeeAccess
{
    /// <summary>employees:read → any; employees:read-own → own record; employees:read-reports → direct reports.</summary>
    public static readonly OperationAuthorizationRequirement Read = new() { Name = "AZ-3 ownership: read employee" };

    /// <summary>employees:write → any; employees:update-own → own record (the PATCH subset only).</summary>
    public static readonly OperationAuthorizationRequirement UpdateProfile = new() { Name = "AZ-3 ownership: update employee profile" };

    /// <summary>
    /// AZ-3: which employees a list may show: null = all of the tenant (employees:read); otherwise only the
    /// direct reports of the returned employee id (employees:read-reports). <see cref="Guid.Empty"/> when
    /// the caller has no employee record (nobody reports to them).
    /// </summary>
    public static Guid? ListScope(CallerPermissions permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        return permissions.Has(Permissions.EmployeesRead) ? null : permissions.LinkedRecordId ?? Guid.Empty;
    }
}

/// <summary>AZ-3: evaluates <see cref="EmployeeAccess"/> requirements with the caller's current permissions.</summary>
internal sealed class EmployeeAccessHandler(IPermissionResolver resolver)
    : AuthorizationHandler<OperationAuthorizationRequirement, EmployeeAccessTarget>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context,
        OperationAuthorizationRequirement requirement, EmployeeAccessTarget resource)
    {
        var caller = Security.Authentication.CallerContext.From(context.User);
        if (caller is null)
        {
            return;
        }

        var permissions = await resolver.ResolveAsync(caller, CancellationToken.None);
        var own = permissions.LinkedRecordId is { } linked && linked == resource.EmployeeId;
        var allowed = ReferenceEquals(requirement, EmployeeAccess.Read)
            ? permissions.Has(Permissions.EmployeesRead)
              || (own && permissions.Has(Permissions.EmployeesReadOwn))
              || (permissions.Has(Permissions.EmployeesReadReports) && permissions.LinkedRecordId is { } manager
                  && resource.ManagerId == manager)
            : ReferenceEquals(requirement, EmployeeAccess.UpdateProfile)
              && (permissions.Has(Permissions.EmployeesWrite) || (own && permissions.Has(Permissions.EmployeesUpdateOwn)));
        if (allowed)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, requirement.Name));
        }
    }
}
