using Bulwark.Erp.Data;

namespace Bulwark.Erp.Mfa;

/// <summary>
/// AUTH-8: the second step of a login, after a correct password. Its token (256-bit, opaque) is stored as SHA-256
/// only; it lives <c>Bulwark:Mfa:ChallengeLifetime</c>, tolerates <c>MaxChallengeAttempts</c> wrong codes and is
/// consumed once (conditional UPDATE).
/// </summary>
public sealed class MfaChallenge : TenantEntity
{
    public required Guid UserId { get; init; }

    public required byte[] TokenHash { get; init; }

    public DateTime ExpiresAt { get; init; }

    public int FailedAttempts { get; set; }

    public DateTime? ConsumedAt { get; set; }
}

/// <summary>AUTH-8: a single-use recovery code (SHA-256 only).</summary>
public sealed class RecoveryCode : TenantEntity
{
    public required Guid UserId { get; init; }

    public required byte[] CodeHash { get; init; }

    public DateTime? UsedAt { get; set; }
}
