using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Transport;

/// <summary>Applies <see cref="TransportOptions"/> to Kestrel; removes the Server header (ERR-3).</summary>
internal sealed class KestrelSetup(IOptions<TransportOptions> transport) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var t = transport.Value;
        options.AddServerHeader = false;
        options.Limits.MaxRequestBodySize = t.MaxRequestBodyBytes;
        options.Limits.MaxRequestHeadersTotalSize = t.MaxRequestHeadersTotalBytes;
        options.Limits.MaxRequestHeaderCount = t.MaxRequestHeaderCount;
        options.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(t.RequestHeadersTimeoutSeconds);
        options.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(t.KeepAliveTimeoutSeconds);
        options.Limits.MinRequestBodyDataRate = new MinDataRate(t.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
        options.Limits.MaxConcurrentConnections = t.MaxConcurrentConnections;
        options.Limits.MaxConcurrentUpgradedConnections = 0;
    }
}
