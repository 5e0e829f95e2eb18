namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-2/BAN-1: who operates the service itself. Bans (per IP) and tenants are service-wide state, so the permissions
/// over them (<see cref="Permissions.Platform"/>) count only for users of the operator tenant; every other tenant's
/// admin — a client company's — never holds them, whatever its roles say. Unset: nobody holds them through the API
/// (the <c>bans</c> CLI verb on the host still lists and lifts bans).
/// </summary>
public sealed class PlatformOptions
{
    public const string SectionName = "Bulwark:Platform";

    /// <summary>Slug of the tenant whose users may hold the platform permissions (Development: <c>demo</c>).</summary>
    public string? OperatorTenant { get; set; }
}
