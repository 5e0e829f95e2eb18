using Bulwark.Security.Audit;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2/AZ-6: a policy that denies an authenticated caller ends as 403 problem+json and an
/// <c>authz.denied</c> security event naming who, what (method + path) and which rule. Challenges
/// (no or invalid credentials) keep the framework behaviour (401 from the bearer handler).
/// </summary>
internal sealed class ForbiddenResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        AuthorizationAudit.Denied(context, RuleOf(authorizeResult.AuthorizationFailure));
        await ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, AuthorizationAudit.ForbiddenDetail);
    }

    internal static string RuleOf(AuthorizationFailure? failure)
    {
        if (failure is null)
        {
            return "AZ-2 policy";
        }

        var reasons = failure.FailureReasons.Select(r => r.Message).Where(m => !string.IsNullOrEmpty(m)).ToList();
        if (reasons.Count == 0)
        {
            reasons = failure.FailedRequirements.Select(r => r is PermissionRequirement p ? p.Rule : r.GetType().Name).ToList();
        }

        return reasons.Count == 0 ? "AZ-2 policy" : string.Join("; ", reasons.Distinct(StringComparer.Ordinal));
    }
}
