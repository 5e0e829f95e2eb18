using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.RateLimiting;

/// <summary>RL-4: the allow-listed client networks, parsed once from <see cref="RateLimitingOptions.AllowList"/>.</summary>
internal sealed class ClientIpAllowList(IOptions<RateLimitingOptions> options)
{
    private readonly IPNetwork[] _networks = [.. options.Value.AllowList.Select(e => NetworkParsing.TryParse(e, out var n) ? n
        : throw new OptionsValidationException(RateLimitingOptions.SectionName, typeof(RateLimitingOptions), [$"AllowList: '{e}' is not an IP or CIDR."]))];

    public bool Contains(IPAddress? address)
    {
        if (address is null || _networks.Length == 0)
        {
            return false;
        }

        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Parses "10.0.0.5" (one host) or "10.1.0.0/16" (a network).</summary>
internal static class NetworkParsing
{
    public static bool TryParse(string? value, out IPNetwork network)
    {
        value = value?.Trim();
        if (IPNetwork.TryParse(value, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(value, out var address))
        {
            address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }
}

/// <summary>RL-1: the partition key of a client IP.</summary>
internal static class ClientPartitionKey
{
    /// <summary>
    /// IPv4 as is; IPv6 by its /64 (one subscriber usually holds a whole /64, so per-address keys would let one
    /// client rotate through 2^64 partitions). No address (an in-process test host, a Unix socket) falls into one
    /// shared partition: fail closed, never unlimited.
    /// </summary>
    public static string For(IPAddress? address)
    {
        if (address is null)
        {
            return "ip:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
            return "ip6:" + new IPAddress(bytes);
        }

        return "ip:" + address;
    }
}
