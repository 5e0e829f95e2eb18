namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2: loads what a user's CURRENT roles grant, from the system of record (the application's database).
/// Registered by the application (scoped); called only on a cache miss.
/// </summary>
public interface IPermissionSource
{
    /// <summary>The user's permissions; <see cref="CallerPermissions.None"/> when the user is unknown or inactive.</summary>
    Task<CallerPermissions> LoadAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken);
}
