using Bulwark.Security.Authentication;

namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2: the permissions of the caller, from their current roles through a per-instance cache that
/// <see cref="IPermissionInvalidation"/> clears on a role change. Never from the token's <c>roles</c> claim,
/// which is frozen for the token's lifetime.
/// </summary>
public interface IPermissionResolver
{
    ValueTask<CallerPermissions> ResolveAsync(CallerContext caller, CancellationToken cancellationToken);
}
