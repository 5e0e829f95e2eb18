namespace Bulwark.Security.Bans;

/// <summary>
/// BAN-1: one banned client (an IPv4 address or an IPv6 /64) with its history: how many times it was banned
/// (<see cref="Offences"/>), why and when the last time, until when (null = permanent), and whether an admin lifted it.
/// </summary>
public sealed record BanRecord
{
    /// <summary>Partition key (<c>ip:1.2.3.4</c>, <c>ip6:2001:db8:1:2::</c>).</summary>
    public required string Key { get; init; }

    /// <summary>The address as shown to admins: <c>1.2.3.4</c> or <c>2001:db8:1:2::/64</c>.</summary>
    public required string Address { get; init; }

    public required int Offences { get; init; }

    /// <summary>Detector of the last ban: auth-failures, validation-failures, unknown-paths, scanner-user-agent, attack-payload.</summary>
    public required string Reason { get; init; }

    public required DateTimeOffset BannedAt { get; init; }

    /// <summary>End of the current ban; null = permanent.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? LiftedAt { get; init; }

    public string? LiftedBy { get; init; }

    public bool IsActive(DateTimeOffset now) => LiftedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>BAN-1: where bans are remembered across restarts and shared by instances (the database).</summary>
public interface IBanRepository
{
    /// <summary>
    /// Records an offence of <paramref name="key"/> and returns the resulting ban. An active ban is returned unchanged
    /// (one ban per offence). Otherwise the offence count goes up and <paramref name="durationFor"/> (offence number →
    /// duration, null = permanent) sets the end.
    /// </summary>
    Task<BanRecord> RecordOffenceAsync(string key, string address, string reason, DateTimeOffset now,
        Func<int, TimeSpan?> durationFor, CancellationToken cancellationToken);

    Task<IReadOnlyList<BanRecord>> ListAsync(bool activeOnly, DateTimeOffset now, CancellationToken cancellationToken);

    Task<BanRecord?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Lifts the active ban of <paramref name="key"/>; null when there is none. The offence count stays.</summary>
    Task<BanRecord?> LiftAsync(string key, string liftedBy, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>BAN-1: what admins (endpoints, CLI) do with bans. Every lift is a security event.</summary>
public interface IBanAdministration
{
    Task<IReadOnlyList<BanRecord>> ListAsync(bool activeOnly, CancellationToken cancellationToken);

    /// <summary>The record of <paramref name="address"/> (an IP; IPv6 by its /64), or null; false when it is not an IP.</summary>
    Task<(bool Valid, BanRecord? Record)> GetAsync(string address, CancellationToken cancellationToken);

    /// <summary>Lifts the ban of <paramref name="address"/> on every instance.</summary>
    Task<(bool Valid, BanRecord? Record)> LiftAsync(string address, string actor, CancellationToken cancellationToken);
}
