namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2: endpoint metadata naming the permissions an endpoint needs (one of <see cref="AnyOf"/>). Enforced
/// through the policy <see cref="AuthorizationEndpointConventionBuilderExtensions.RequirePermission{TBuilder}"/>
/// adds; the metadata itself lets tests and docs enumerate who may call what.
/// </summary>
public sealed record PermissionMetadata(IReadOnlyList<string> AnyOf);

/// <summary>
/// AZ-1/AZ-2: the endpoint is deliberately open to every authenticated user of the tenant, whatever their
/// permissions (self-service such as logout). Declared so that "no permission" is a decision, not an omission.
/// </summary>
public sealed class AuthenticatedOnlyMetadata
{
    public static readonly AuthenticatedOnlyMetadata Instance = new();

    private AuthenticatedOnlyMetadata()
    {
    }
}
