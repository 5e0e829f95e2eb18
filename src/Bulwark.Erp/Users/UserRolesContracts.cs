using Bulwark.Security.Validation;

namespace Bulwark.Erp.Users;

/// <summary>
/// PUT /api/v1/users/{id}/roles (users:manage): the user's complete new set of roles (AZ-2). Only the roles
/// of <see cref="Roles.All"/>, each at most once; an empty list leaves the user with no permissions.
/// </summary>
public sealed record SetUserRolesRequest : IValidatableRequest
{
    public IReadOnlyList<string?>? Roles { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.Items("roles", Roles, 0, Users.Roles.All.Count);
        if (Roles is null)
        {
            return;
        }

        for (var i = 0; i < Roles.Count; i++)
        {
            errors.OneOf($"roles[{i}]", Roles[i], Users.Roles.All);
        }

        if (Roles.Distinct(StringComparer.Ordinal).Count() != Roles.Count)
        {
            errors.Add("roles", "unique", "must not repeat a role");
        }
    }
}
