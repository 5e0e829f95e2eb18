namespace Bulwark.Erp.Data;

/// <summary>
/// A business record owned by exactly one tenant (AZ-4). Ids are UUIDv7 (non-sequential to a client,
/// index-friendly to the database). <see cref="Version"/> is the optimistic-concurrency token (DATA-6).
/// Server-owned: none of these are ever bound from a request (VAL-3).
/// </summary>
public abstract class TenantEntity
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; }
}
