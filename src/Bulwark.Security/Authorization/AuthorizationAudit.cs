using Bulwark.Security.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Authorization;

/// <summary>AZ-6: the one way authorization outcomes become security events.</summary>
public static class AuthorizationAudit
{
    /// <summary>The body detail of every 403: it never says which permission was missing.</summary>
    public const string ForbiddenDetail = "You are not allowed to do this.";

    /// <summary>AZ-6: an authenticated caller was refused; <paramref name="rule"/> names the rule (e.g. <c>AZ-2 permission ledger:post</c>).</summary>
    public static void Denied(HttpContext context, string rule)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequestServices.GetRequiredService<ISecurityEvents>()
            .Emit(context, SecurityEventTypes.AuthorizationDenied, SecurityOutcome.Denied, reason: rule);
    }

    /// <summary>AZ-6: a caller asked for a record by id that exists, but in another tenant (answered 404).</summary>
    public static void CrossTenant(HttpContext context, string resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequestServices.GetRequiredService<ISecurityEvents>()
            .Emit(context, SecurityEventTypes.CrossTenantAccess, SecurityOutcome.Denied, reason: "AZ-4 tenant isolation: " + resource);
    }

    /// <summary>
    /// AZ-3: runs a resource-based check (ownership) through the framework's <see cref="IAuthorizationService"/>;
    /// a refusal is audited like a policy denial. The caller answers 403 (or 404) itself.
    /// </summary>
    public static async Task<bool> AuthorizeResourceAsync(this HttpContext context, object resource, IAuthorizationRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        var service = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = await service.AuthorizeAsync(context.User, resource, requirement);
        if (!result.Succeeded)
        {
            Denied(context, ForbiddenResultHandler.RuleOf(result.Failure));
        }

        return result.Succeeded;
    }
}
