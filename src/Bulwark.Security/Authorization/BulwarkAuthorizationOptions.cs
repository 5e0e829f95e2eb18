using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Authorization;

/// <summary>AZ-2: authorization settings, bound from <c>Bulwark:Authorization</c>.</summary>
public sealed class BulwarkAuthorizationOptions
{
    public const string SectionName = "Bulwark:Authorization";

    /// <summary>
    /// How long an instance keeps a user's resolved permissions, in seconds. Default 30. A role change
    /// clears the entry at once through <see cref="IPermissionInvalidation"/>; this lifetime only bounds how
    /// long a lost invalidation can leave stale permissions. 0 disables caching (one database read per
    /// authorized request). Raising it widens that window.
    /// </summary>
    [Range(0, 300)]
    public int PermissionCacheSeconds { get; set; } = 30;
}
