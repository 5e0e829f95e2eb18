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

        // Issue 7: a token answered from the verified snapshot carries the caller read from the same claims (once per token).
        if (principal.Identity is SnapshotClaimsIdentity { Caller: { } known } && principal.Identities is IReadOnlyCollection<ClaimsIdentity> { Count: 1 })
        {
            return known;
        }

        if (!Guid.TryParse(principal.FindFirstValue(BulwarkClaims.Subject), out var userId)
            || !Guid.TryParse(principal.FindFirstValue(BulwarkClaims.Tenant), out var tenantId))
        {
            return null;
        }

        var roles = principal.FindAll(BulwarkClaims.Roles).Select(c => c.Value).ToArray();
        var apiKeyId = principal.FindFirstValue(BulwarkClaims.ApiKeyId);
        return new CallerContext(userId, tenantId, roles, principal.FindFirstValue(BulwarkClaims.SessionId))
        {
            ApiKeyId = apiKeyId,
            Scopes = apiKeyId is null ? null : principal.FindAll(BulwarkClaims.Scope).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>AUTH-9: the API key the request was authenticated with; null for an access token.</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>AUTH-9: the permissions the API key is limited to; null (no narrowing) for an access token.</summary>
    public IReadOnlySet<string>? Scopes { get; init; }

    /// <summary>AUTH-11: this request's session (the <c>sid</c> claim as a Guid); null for an API key or a sessionless token.</summary>
    public Guid? Session => Guid.TryParseExact(SessionId, "N", out var session) ? session : null;

    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}
