using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Transport;

/// <summary>
/// TLS-2: the framework's forwarded-headers middleware, believing only the configured proxies. The loopback
/// defaults of <see cref="ForwardedHeadersOptions"/> are cleared: nothing is trusted unless configured.
/// </summary>
internal sealed class ForwardedHeadersSetup(IOptions<TransportOptions> transport) : IConfigureOptions<ForwardedHeadersOptions>
{
    public void Configure(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in transport.Value.TrustedProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
        }

        foreach (var network in transport.Value.TrustedNetworks)
        {
            options.KnownIPNetworks.Add(IPNetwork.Parse(network.Trim()));
        }

        // Walk X-Forwarded-For from the right only while the hop that sent it is trusted: the first untrusted
        // address is the client; anything to its left was written by the client and is ignored.
        options.ForwardLimit = null;
    }

    /// <summary>
    /// True when at least one proxy or network is configured. With both lists empty the framework middleware
    /// would trust every sender, so then it is not installed at all.
    /// </summary>
    public static bool HasTrustedProxies(TransportOptions options) =>
        options.TrustedProxies.Count > 0 || options.TrustedNetworks.Count > 0;
}

/// <summary>TLS-2: every trusted proxy must be an IP address and every network a CIDR.</summary>
internal sealed class TrustedProxiesValidator : IValidateOptions<TransportOptions>
{
    public ValidateOptionsResult Validate(string? name, TransportOptions options)
    {
        var bad = options.TrustedProxies.Where(p => !IPAddress.TryParse(p?.Trim(), out _))
            .Concat(options.TrustedNetworks.Where(n => !IPNetwork.TryParse(n?.Trim(), out _)))
            .ToList();
        return bad.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{TransportOptions.SectionName}:TrustedProxies/TrustedNetworks: not an IP or CIDR: {string.Join(", ", bad)}");
    }
}
