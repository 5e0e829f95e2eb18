using Bulwark.Erp.Data;

namespace Bulwark.Erp.ApiKeys;

/// <summary>
/// AUTH-9: a credential for an integration, per tenant. Only the SHA-256 of its secret is stored; the full key is
/// shown once, when created. It acts with its creator's current permissions narrowed to <see cref="Permissions"/>,
/// until <see cref="ExpiresAt"/> or until revoked.
/// </summary>
public sealed class ApiKey : TenantEntity
{
    public const int MaxNameLength = 100;

    public required string Name { get; init; }

    /// <summary>The public part of the key (<c>bwk_</c> + 12 hex): finds the record, shown in lists.</summary>
    public required string Prefix { get; init; }

    /// <summary>SHA-256 of the secret part (32 bytes).</summary>
    public required byte[] SecretHash { get; init; }

    public List<string> Permissions { get; init; } = [];

    /// <summary>The user who created the key (the upper bound of what it may do).</summary>
    public required Guid CreatedByUserId { get; init; }

    public DateTime ExpiresAt { get; init; }

    public DateTime? RevokedAt { get; set; }

    public Guid? RevokedByUserId { get; set; }

    /// <summary>Written at most once per <c>Bulwark:ApiKeys:LastUsedResolution</c> per instance.</summary>
    public DateTime? LastUsedAt { get; set; }
}
