using Bulwark.Erp.Data;

namespace Bulwark.Erp.Sessions;

/// <summary>
/// AUTH-5: one refresh token of a session (family). Only the SHA-256 of the token is stored. Consumed
/// exactly once (atomic conditional update); the consuming request records its successor and keeps it
/// sealed (Data Protection, expiring) for the reuse grace window only.
/// </summary>
public sealed class RefreshToken : TenantEntity
{
    public required Guid SessionId { get; init; }

    /// <summary>SHA-256 of the token (32 bytes); unique.</summary>
    public required byte[] TokenHash { get; init; }

    public DateTime ExpiresAt { get; init; }

    public DateTime? ConsumedAt { get; set; }

    public Guid? SuccessorId { get; set; }

    /// <summary>The successor token sealed until the end of the grace window; cleared when the family ends.</summary>
    public string? SealedSuccessor { get; set; }
}
