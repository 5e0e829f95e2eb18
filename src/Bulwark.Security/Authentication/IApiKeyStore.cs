namespace Bulwark.Security.Authentication;

/// <summary>AUTH-9: where API keys are stored (the application supplies it; a singleton).</summary>
public interface IApiKeyStore
{
    /// <summary>The key with this prefix in any tenant (the key says which tenant it belongs to), or null.</summary>
    Task<ApiKeyRecord?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Records that the key was used at <paramref name="at"/> (called at most once per resolution interval).</summary>
    Task RecordUseAsync(ApiKeyRecord key, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>
/// AUTH-9: what authentication needs of a stored key. <see cref="OwnerUserId"/> is the user who created it: the
/// key acts with at most that user's current permissions, narrowed to <see cref="Scopes"/>.
/// </summary>
public sealed record ApiKeyRecord(
    Guid Id,
    Guid TenantId,
    Guid OwnerUserId,
    byte[] SecretHash,
    IReadOnlyList<string> Scopes,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    /// <summary>The key's entry in the revocation set (<see cref="ISessionRevocations"/>), shared with sessions.</summary>
    public string RevocationId => RevocationIdFor(Id);

    public static string RevocationIdFor(Guid keyId) => "key:" + keyId.ToString("N");
}
