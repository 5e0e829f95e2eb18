using Bulwark.Security.Bans;

namespace Bulwark.Erp.Bans;

/// <summary>BAN-1: a ban as admins see it: who, why, when, until when, how many times.</summary>
public sealed record BanResponse(
    string Ip,
    bool Active,
    int Offences,
    string Reason,
    DateTimeOffset BannedAt,
    DateTimeOffset? ExpiresAt,
    bool Permanent,
    DateTimeOffset? LiftedAt,
    string? LiftedBy)
{
    public static BanResponse From(BanRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.Address, record.IsActive(now), record.Offences, record.Reason, record.BannedAt, record.ExpiresAt,
            record.ExpiresAt is null, record.LiftedAt, record.LiftedBy);
    }
}
