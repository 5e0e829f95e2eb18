using Microsoft.AspNetCore.Authorization;

namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2: the caller must hold at least one of <see cref="AnyOf"/>, resolved from the user's current roles
/// (not from the token's claims). Most endpoints name one permission; an endpoint that serves several
/// audiences (all records, own record, direct reports) names each and narrows further with a
/// resource-based handler (AZ-3).
/// </summary>
public sealed class PermissionRequirement : IAuthorizationRequirement
{
    public PermissionRequirement(IReadOnlyList<string> anyOf)
    {
        ArgumentNullException.ThrowIfNull(anyOf);
        if (anyOf.Count == 0 || anyOf.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("At least one non-empty permission is required.", nameof(anyOf));
        }

        AnyOf = anyOf;
    }

    /// <summary>The permissions of which one suffices.</summary>
    public IReadOnlyList<string> AnyOf { get; }

    /// <summary>The rule as written in security events: <c>AZ-2 permission a|b</c>.</summary>
    public string Rule => "AZ-2 permission " + string.Join('|', AnyOf);

    public override string ToString() => Rule;
}
