using Bulwark.Security.Authorization;

namespace Bulwark.Erp.Employees;

/// <summary>
/// AZ-5: the one place that decides whether a caller sees an employee's sensitive fields (national id,
/// IBAN, salary). When not, the service leaves them null and the JSON options omit null members, so the
/// properties are absent from the response (not present as null).
/// </summary>
public static class EmployeeVisibility
{
    /// <summary>employees:read-sensitive (current roles), or the caller's own employee record.</summary>
    public static bool CanReadSensitive(CallerPermissions permissions, Guid employeeId)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        return CanReadSensitive(permissions) || permissions.LinkedRecordId == employeeId;
    }

    /// <summary>For lists and writes: employees:read-sensitive only.</summary>
    public static bool CanReadSensitive(CallerPermissions permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        return permissions.Has(Authorization.Permissions.EmployeesReadSensitive);
    }
}
