namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2/AZ-3: what the current roles of one user grant: the permission names and, when the user is
/// linked to a business record about themselves (their employee record), that record's id, for ownership
/// rules. <see cref="None"/> for a missing or deactivated user.
/// </summary>
public sealed record CallerPermissions(IReadOnlySet<string> Permissions, Guid? LinkedRecordId)
{
    public static readonly CallerPermissions None = new(new HashSet<string>(StringComparer.Ordinal), null);

    public bool Has(string permission) => Permissions.Contains(permission);

    public bool HasAny(IEnumerable<string> permissions) => permissions.Any(Permissions.Contains);
}
