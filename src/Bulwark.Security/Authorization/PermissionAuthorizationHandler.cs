using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2: succeeds when the caller's current permissions contain one of the requirement's; otherwise fails
/// with the rule as the reason (it goes into the <c>authz.denied</c> event, never to the client).
/// </summary>
internal sealed class PermissionAuthorizationHandler(IHttpContextAccessor accessor) : AuthorizationHandler<PermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var caller = CallerContext.From(context.User);
        var http = accessor.HttpContext;
        if (caller is null || http is null)
        {
            context.Fail(new AuthorizationFailureReason(this, requirement.Rule));
            return;
        }

        var resolver = http.RequestServices.GetRequiredService<IPermissionResolver>();
        var permissions = await resolver.ResolveAsync(caller, http.RequestAborted);
        if (permissions.HasAny(requirement.AnyOf))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, requirement.Rule));
        }
    }
}
