namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-4: where signing keys persist — shared by every instance (the ERP stores them in its database). Private
/// keys arrive here already encrypted (ASP.NET Core Data Protection); the repository never sees them in clear.
/// </summary>
public interface ISigningKeyRepository
{
    /// <summary>Every key not yet deleted, retired ones included.</summary>
    Task<IReadOnlyList<SigningKeyRecord>> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="key"/>; false when another instance added a key of the same generation first.</summary>
    Task<bool> TryAddAsync(SigningKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Marks the key retired and erases its (encrypted) private key. Idempotent.</summary>
    Task RetireAsync(string keyId, DateTime retiredAt, CancellationToken cancellationToken);
}

/// <summary>
/// AUTH-4: one ES256 key. <see cref="Generation"/> orders keys (unique, so two instances rotating at once cannot both
/// add one); the key signs from <see cref="ActivatesAt"/> until a later generation activates, and is retired once
/// every token it signed has expired.
/// </summary>
public sealed record SigningKeyRecord(
    string KeyId,
    int Generation,
    byte[] PublicKey,
    string? ProtectedPrivateKey,
    DateTime CreatedAt,
    DateTime ActivatesAt,
    DateTime? RetiredAt);

/// <summary>Where a key is in its lifecycle at a given time.</summary>
public enum SigningKeyState
{
    /// <summary>Published in the JWKS, not signing yet.</summary>
    Announced,

    /// <summary>Signs new tokens (exactly one key at a time).</summary>
    Active,

    /// <summary>Superseded: signs nothing, still validates (and is published) until its last token expires.</summary>
    Retiring,

    /// <summary>Neither published nor accepted; its private key is erased.</summary>
    Retired,
}
