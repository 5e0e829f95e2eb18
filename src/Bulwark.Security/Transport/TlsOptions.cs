using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Transport;

/// <summary>TLS-1: HTTPS on Kestrel from PEM files, bound from <c>Bulwark:Tls</c>.</summary>
public sealed class TlsOptions
{
    public const string SectionName = "Bulwark:Tls";

    /// <summary>
    /// PEM certificate (chain) served on every <c>https://</c> address. Required outside Development when
    /// any HTTPS address is configured; Development generates a self-signed one in the data folder.
    /// Replacing the file (and <see cref="KeyFile"/>) changes the served certificate within about a second, no restart.
    /// </summary>
    [MaxLength(4096)]
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key (PKCS#8, or PKCS#1/SEC1) of <see cref="CertificateFile"/>; keep it 0600.</summary>
    [MaxLength(4096)]
    public string? KeyFile { get; set; }

    /// <summary>
    /// Allows <c>http://</c> listening addresses. Default false: a plain-HTTP address stops the host at start.
    /// Only for a TLS-terminating proxy on a private network (with <c>Bulwark:Transport:TrustedProxies</c>):
    /// anything on that socket crosses the network in clear, credentials included. An API never redirects
    /// HTTP to HTTPS (the redirect comes after the credentials were sent). A warning is logged at start.
    /// </summary>
    public bool AllowPlainHttp { get; set; }

    /// <summary>How often (seconds) the certificate files are checked for replacement. Default 1.</summary>
    [Range(1, 3600)]
    public int ReloadCheckSeconds { get; set; } = 1;
}
