using Bulwark.Erp.Data;
using Bulwark.Security.Bans;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Bans;

/// <summary>BAN-1: bans in the database (SQLite or PostgreSQL), the record every instance shares.</summary>
internal sealed class EfBanRepository(BulwarkDbContext db, UnitOfWork unitOfWork) : IBanRepository
{
    public async Task<BanRecord> RecordOffenceAsync(string key, string address, string reason, DateTimeOffset now,
        Func<int, TimeSpan?> durationFor, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // One unit of work (SQLite single writer; LOG-3 audit chain lock first on PostgreSQL).
                return await unitOfWork.RunAsync(async ct =>
                {
                    var at = now.UtcDateTime;
                    var ban = await db.Set<IpBan>().FirstOrDefaultAsync(b => b.Key == key, ct);
                    if (ban is not null && ban.LiftedAt is null && (ban.ExpiresAt is null || ban.ExpiresAt > at))
                    {
                        return ToRecord(ban); // already banned (another instance was first): no second offence
                    }

                    if (ban is null)
                    {
                        ban = new IpBan { Key = key, Address = address, Reason = reason };
                        db.Add(ban);
                    }

                    ban.Offences++;
                    ban.Reason = reason;
                    ban.BannedAt = at;
                    ban.ExpiresAt = durationFor(ban.Offences) is { } duration ? at + duration : null;
                    ban.LiftedAt = null;
                    ban.LiftedBy = null;
                    return ToRecord(ban);
                }, cancellationToken);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another instance inserted the same key first: read its row and decide again.
                db.ChangeTracker.Clear();
            }
        }
    }

    public async Task<IReadOnlyList<BanRecord>> ListAsync(bool activeOnly, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = now.UtcDateTime;
        var query = db.Set<IpBan>().AsNoTracking();
        if (activeOnly)
        {
            query = query.Where(b => b.LiftedAt == null && (b.ExpiresAt == null || b.ExpiresAt > at));
        }

        var rows = await query.OrderByDescending(b => b.BannedAt).Take(10_000).ToListAsync(cancellationToken);
        return [.. rows.Select(ToRecord)];
    }

    public async Task<BanRecord?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var ban = await db.Set<IpBan>().AsNoTracking().FirstOrDefaultAsync(b => b.Key == key, cancellationToken);
        return ban is null ? null : ToRecord(ban);
    }

    public async Task<BanRecord?> LiftAsync(string key, string liftedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = now.UtcDateTime;
        return await unitOfWork.RunAsync(async ct =>
        {
            var ban = await db.Set<IpBan>().FirstOrDefaultAsync(b => b.Key == key, ct);
            if (ban is null || ban.LiftedAt is not null || (ban.ExpiresAt is not null && ban.ExpiresAt <= at))
            {
                return null;
            }

            ban.LiftedAt = at;
            ban.LiftedBy = liftedBy.Length > 128 ? liftedBy[..128] : liftedBy;
            return ToRecord(ban);
        }, cancellationToken);
    }

    private static BanRecord ToRecord(IpBan ban) => new()
    {
        Key = ban.Key,
        Address = ban.Address,
        Offences = ban.Offences,
        Reason = ban.Reason,
        BannedAt = new DateTimeOffset(ban.BannedAt, TimeSpan.Zero),
        ExpiresAt = ban.ExpiresAt is { } e ? new DateTimeOffset(e, TimeSpan.Zero) : null,
        LiftedAt = ban.LiftedAt is { } l ? new DateTimeOffset(l, TimeSpan.Zero) : null,
        LiftedBy = ban.LiftedBy,
    };
}
