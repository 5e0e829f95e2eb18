namespace Bulwark.Erp.SigningKeys;

/// <summary>
/// AUTH-4: one access-token signing key, shared by every instance through the database. Global (not per tenant).
/// The private key is stored only as Data Protection ciphertext and erased when the key retires.
/// </summary>
public sealed class SigningKeyRow
{
    /// <summary>The <c>kid</c> (RFC 7638 thumbprint, base64url).</summary>
    public required string KeyId { get; init; }

    /// <summary>Orders keys; unique, so two instances rotating at the same moment cannot both add one.</summary>
    public int Generation { get; init; }

    /// <summary>SubjectPublicKeyInfo (DER) of the P-256 public key.</summary>
    public required byte[] PublicKey { get; init; }

    /// <summary>PKCS#8 private key sealed by ASP.NET Core Data Protection (base64); null once retired.</summary>
    public string? ProtectedPrivateKey { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime ActivatesAt { get; init; }

    public DateTime? RetiredAt { get; set; }
}
