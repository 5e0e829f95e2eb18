using System.Security.Claims;

namespace Bulwark.Security.Authentication;

/// <summary>
/// Who is calling, read from the authenticated principal only — never from a body or header
/// (AZ-4: the tenant comes from the token).
/// </summary>
public sealed record CallerContext(Guid UserId, Guid TenantId, IReadOnlyList<string> Roles, string? SessionId)
{
    public static CallerContext? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        if (!Guid.TryParse(principal.FindFirstValue(BulwarkClaims.Subject), out var userId)
            || !Guid.TryParse(principal.FindFirstValue(BulwarkClaims.Tenant), out var tenantId))
        {
            return null;
        }

        var roles = principal.FindAll(BulwarkClaims.Roles).Select(c => c.Value).ToArray();
        return new CallerContext(userId, tenantId, roles, principal.FindFirstValue(BulwarkClaims.SessionId));
    }

    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}
