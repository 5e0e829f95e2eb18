namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2/AZ-3: what the current roles of one user grant: the permission names and, when the user is
/// linked to a business record about themselves (their employee record), that record's id, for ownership
/// rules. <see cref="None"/> for a missing or deactivated user.
/// </summary>
public sealed record CallerPermissions(IReadOnlySet<string> Permissions, Guid? LinkedRecordId)
{
    public static readonly CallerPermissions None = new(new HashSet<string>(StringComparer.Ordinal), null);

    /// <summary>
    /// AUTH-9: what an API key may do: these permissions narrowed to its scopes. No linked record: a key never acts
    /// as its creator's own employee record (AZ-3 ownership rules do not apply to integrations).
    /// </summary>
    public CallerPermissions Within(IReadOnlySet<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var narrowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var permission in Permissions)
        {
            if (scopes.Contains(permission))
            {
                narrowed.Add(permission);
            }
        }

        return new CallerPermissions(narrowed, null);
    }

    public bool Has(string permission) => Permissions.Contains(permission);

    public bool HasAny(IEnumerable<string> permissions) => permissions.Any(Permissions.Contains);
}
