using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Transport;

/// <summary>Kestrel limits against oversized and slow clients, bound from <c>Bulwark:Transport</c>.</summary>
public sealed class TransportOptions
{
    public const string SectionName = "Bulwark:Transport";

    /// <summary>VAL-5: maximum request body in bytes. Default 1 MB; larger bodies get 413.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Maximum total size of request headers in bytes. Default 32 KB → 431 beyond.</summary>
    [Range(4096, 1024 * 1024)]
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>Maximum number of request headers. Default 64.</summary>
    [Range(8, 1000)]
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>Seconds a client has to send all request headers (slowloris). Default 10.</summary>
    [Range(1, 300)]
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>Seconds a connection may stay idle between requests. Default 60.</summary>
    [Range(1, 3600)]
    public int KeepAliveTimeoutSeconds { get; set; } = 60;

    /// <summary>Minimum body upload rate in bytes/second after a 5 s grace period. Default 240.</summary>
    [Range(1, 1_000_000)]
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Maximum concurrent connections per instance. Default 10000.</summary>
    [Range(1, 1_000_000)]
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>
    /// TLS-2: addresses of reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> are believed.
    /// Default empty: forwarding headers are ignored and the socket address is the client IP. From any other
    /// sender the headers change nothing, so a client cannot pick its own rate-limit partition or dodge a ban.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>TLS-2: CIDR networks of trusted reverse proxies (e.g. <c>10.0.0.0/24</c>). Default empty.</summary>
    public List<string> TrustedNetworks { get; set; } = [];
}
