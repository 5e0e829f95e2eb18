using System.Security.Cryptography;

namespace Bulwark.Security.Crypto;

/// <summary>
/// DATA-1: a stored encrypted value is malformed or failed GCM authentication (edited in the database,
/// copied from another column, or written under another master key). Carries no clear or cipher text.
/// </summary>
public sealed class FieldIntegrityException : CryptographicException
{
    public FieldIntegrityException(string purpose, int? keyId)
        : base("DATA-1: an encrypted field value failed its integrity check.")
    {
        Purpose = purpose;
        KeyId = keyId;
    }

    public FieldIntegrityException()
        : base("DATA-1: an encrypted field value failed its integrity check.")
    {
        Purpose = string.Empty;
    }

    public FieldIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
        Purpose = string.Empty;
    }

    /// <summary>The field the value belongs to, e.g. <c>employee.nationalId</c>.</summary>
    public string Purpose { get; }

    /// <summary>The key id the envelope names, null when unparseable.</summary>
    public int? KeyId { get; }
}
