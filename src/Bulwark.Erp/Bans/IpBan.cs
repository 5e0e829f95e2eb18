namespace Bulwark.Erp.Bans;

/// <summary>
/// BAN-1: the ban history of one client (IPv4 address or IPv6 /64), shared by every instance and kept across restarts:
/// how many times it was banned (escalation 24 h → 7 d → permanent), the last reason and period, and a lift.
/// Not tenant data: a ban protects the whole service.
/// </summary>
public sealed class IpBan
{
    public const int MaxKeyLength = 64;

    /// <summary>Partition key (<c>ip:1.2.3.4</c>, <c>ip6:2001:db8:1:2::</c>).</summary>
    public required string Key { get; init; }

    public required string Address { get; init; }

    public int Offences { get; set; }

    /// <summary>Detector code of the last ban (never request content).</summary>
    public required string Reason { get; set; }

    public DateTime BannedAt { get; set; }

    /// <summary>End of the last ban; null = permanent.</summary>
    public DateTime? ExpiresAt { get; set; }

    public DateTime? LiftedAt { get; set; }

    public string? LiftedBy { get; set; }
}
