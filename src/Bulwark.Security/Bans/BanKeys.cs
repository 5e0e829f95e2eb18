using System.Net;
using Bulwark.Security.RateLimiting;

namespace Bulwark.Security.Bans;

/// <summary>BAN-1: a ban is keyed like the rate limits (RL-1 partition key): IPv4 per address, IPv6 per /64.</summary>
internal static class BanKeys
{
    public static bool TryFromAddress(string? text, out string key)
    {
        key = string.Empty;
        text = text?.Trim();
        if (text is not null && text.EndsWith("/64", StringComparison.Ordinal))
        {
            text = text[..^3];
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        key = ClientPartitionKey.For(address);
        return true;
    }

    public static string ToAddress(string key) =>
        key.StartsWith("ip6:", StringComparison.Ordinal) ? key[4..] + "/64"
        : key.StartsWith("ip:", StringComparison.Ordinal) ? key[3..]
        : key;
}
