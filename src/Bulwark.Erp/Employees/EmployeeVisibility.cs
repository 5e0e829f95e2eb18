using System.Security.Claims;
using Bulwark.Erp.Users;
using Bulwark.Security.Authentication;

namespace Bulwark.Erp.Employees;

/// <summary>
/// AZ-5: the one place that decides whether a caller sees an employee's sensitive fields (national id,
/// IBAN, salary). When not, the service leaves them null and the JSON options omit null members, so the
/// properties are absent from the response (not present as null).
/// </summary>
public static class EmployeeVisibility
{
    /// <summary>
    /// AZ-5 (simple form): roles admin and hr only, read from the authenticated principal. The authorization
    /// issue replaces this with the employees:read-sensitive permission (and the employee's own record).
    /// </summary>
    public static bool CanReadSensitive(ClaimsPrincipal user)
    {
        var caller = CallerContext.From(user);
        return caller is not null && (caller.IsInRole(Roles.Admin) || caller.IsInRole(Roles.Hr));
    }
}
