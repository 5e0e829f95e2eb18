using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Authorization;

public static class PermissionHttpContextExtensions
{
    /// <summary>
    /// AZ-2: the current permissions of the authenticated caller (cached per instance; the policy that let the
    /// request in resolved them already). <see cref="CallerPermissions.None"/> for an anonymous request.
    /// </summary>
    public static ValueTask<CallerPermissions> GetPermissionsAsync(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = CallerContext.From(context.User);
        return caller is null
            ? ValueTask.FromResult(CallerPermissions.None)
            : context.RequestServices.GetRequiredService<IPermissionResolver>().ResolveAsync(caller, context.RequestAborted);
    }
}
