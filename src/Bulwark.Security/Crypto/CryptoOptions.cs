using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Crypto;

/// <summary>
/// DATA-1/DATA-5: the master key of field encryption, bound from <c>Bulwark:Crypto</c>
/// (env <c>Bulwark__Crypto__MasterKey</c> / <c>Bulwark__Crypto__MasterKeyFile</c>).
/// </summary>
public sealed class CryptoOptions
{
    public const string SectionName = "Bulwark:Crypto";

    /// <summary>
    /// The master key: base64 of 32 random bytes (<c>openssl rand -base64 32</c>). Every data key and the
    /// blind-index key are derived from it; losing it loses every encrypted value, leaking it exposes them.
    /// Prefer <see cref="MasterKeyFile"/> (a secret mounted as a file) over an environment variable.
    /// Development: when neither is set, one is generated in the data folder with a warning.
    /// Any other environment refuses to start without it.
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>A file whose content is the base64 master key (e.g. a Kubernetes/Docker secret). Default unset.</summary>
    [MaxLength(4096)]
    public string? MasterKeyFile { get; set; }

    /// <summary>
    /// The data key id new values are encrypted with. Default 1. To rotate: raise it on every instance
    /// (rolling restart), then run the <c>rotate-data-keys</c> verb; older ids stay readable meanwhile.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ActiveKeyId { get; set; } = 1;
}
