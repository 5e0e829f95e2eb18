namespace Bulwark.Erp.Tenants;

/// <summary>A client company. Every business record belongs to exactly one (AZ-4).</summary>
public sealed class Tenant
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Short, unique, URL-safe name used at login ("demo").</summary>
    public required string Slug { get; set; }

    public required string Name { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>AUTH-8: every user of this tenant must use a second factor (not only the roles of <c>Bulwark:Mfa:RequiredRoles</c>).</summary>
    public bool RequireMfa { get; set; }
}
