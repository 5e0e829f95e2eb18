using Bulwark.Erp.Data;
using Bulwark.Erp.Users;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Sessions;

/// <summary>
/// AUTH-5/AUTH-6: sessions and their rotating refresh tokens. Every write runs inside the caller's
/// <see cref="UnitOfWork"/> (SQLite single-writer gate + transaction).
/// </summary>
public sealed class SessionService(
    BulwarkDbContext db,
    Authorization.TenantScope scope,
    RefreshTokenCodec codec,
    ISessionRevocations revocations,
    IOptions<SessionLifetimeOptions> sessionOptions,
    IOptions<JwtOptions> jwtOptions,
    TimeProvider time)
{
    private SessionLifetimeOptions Lifetimes => sessionOptions.Value;

    /// <summary>Starts a session for <paramref name="user"/> (call inside a unit of work); returns it and its first refresh token.</summary>
    public (Session Session, string RefreshToken) Start(User user, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(http);
        var now = time.GetUtcNow().UtcDateTime;
        var userAgent = http.Request.Headers.UserAgent.ToString();
        var session = new Session
        {
            TenantId = user.TenantId,
            UserId = user.Id,
            LastSeenAt = now,
            AbsoluteExpiresAt = now + Lifetimes.AbsoluteLifetime,
            IdleExpiresAt = Min(now + Lifetimes.IdleTimeout, now + Lifetimes.AbsoluteLifetime),
            UserAgent = userAgent.Length > Session.MaxUserAgentLength ? userAgent[..Session.MaxUserAgentLength] : userAgent,
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
        };
        db.Add(session);
        var token = RefreshTokenCodec.NewToken();
        db.Add(NewRow(session, Guid.CreateVersion7(), token));
        return (session, token);
    }

    /// <summary>
    /// AUTH-5: consumes <paramref name="token"/> and returns its successor (call inside a unit of work).
    /// Exactly one concurrent use consumes it; a use within the grace window gets the same successor;
    /// a later use revokes the whole session.
    /// </summary>
    /// <summary>AUTH-7: the sid of the session <paramref name="token"/> belongs to (read only, nothing consumed); null when unknown.</summary>
    public async Task<string?> SessionIdOfAsync(string token, CancellationToken cancellationToken)
    {
        var hash = RefreshTokenCodec.Hash(token);
        await EnterTenantOfAsync(hash, cancellationToken);
        var id = await db.Set<RefreshToken>().IgnoreQueryFilters().AsNoTracking()
            .Where(t => t.TokenHash == hash).Select(t => (Guid?)t.SessionId).FirstOrDefaultAsync(cancellationToken);
        return id?.ToString("N");
    }

    public async Task<RefreshOutcome> RefreshAsync(string token, CancellationToken cancellationToken)
    {
        var hash = RefreshTokenCodec.Hash(token);
        var now = time.GetUtcNow().UtcDateTime;
        // AZ-4: refresh is anonymous, so there is no tenant yet: the token's hash names it (enough to enter it, nothing
        // else), then selects the row under that tenant's row-level security, like the slug and e-mail at login.
        if (!await EnterTenantOfAsync(hash, cancellationToken))
        {
            return RefreshOutcome.Failed("unknown_token");
        }

        var row = await db.Set<RefreshToken>().IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (row is null)
        {
            return RefreshOutcome.Failed("unknown_token");
        }

        var session = await db.Set<Session>().IgnoreQueryFilters().AsNoTracking()
            .FirstAsync(s => s.Id == row.SessionId, cancellationToken);
        var user = await db.Users.IgnoreQueryFilters().AsNoTracking()
            .FirstAsync(u => u.Id == session.UserId, cancellationToken);
        if (session.RevokedAt is not null)
        {
            return RefreshOutcome.Failed("session_revoked", session, user);
        }

        if (now >= session.AbsoluteExpiresAt || now >= session.IdleExpiresAt || now >= row.ExpiresAt)
        {
            return RefreshOutcome.Failed("session_expired", session, user);
        }

        if (!user.IsActive)
        {
            return RefreshOutcome.Failed("user_inactive", session, user);
        }

        if (row.ConsumedAt is null)
        {
            var successor = RefreshTokenCodec.NewToken();
            var successorId = Guid.CreateVersion7();
            var sealedSuccessor = Lifetimes.ReuseGraceWindow > TimeSpan.Zero
                ? codec.Seal(successor, new DateTimeOffset(now + Lifetimes.ReuseGraceWindow, TimeSpan.Zero))
                : null;
            // AUTH-5: atomic consume — the conditional UPDATE matches only while the token is unspent, so of
            // two concurrent uses exactly one changes the row (PostgreSQL: the loser waits on the row lock,
            // then re-checks the condition; SQLite: the write gate serializes the whole exchange).
            var consumed = await db.Set<RefreshToken>().IgnoreQueryFilters()
                .Where(t => t.Id == row.Id && t.ConsumedAt == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.ConsumedAt, (DateTime?)now)
                    .SetProperty(t => t.SuccessorId, (Guid?)successorId)
                    .SetProperty(t => t.SealedSuccessor, sealedSuccessor), cancellationToken);
            if (consumed == 1)
            {
                var idleExpiresAt = Min(now + Lifetimes.IdleTimeout, session.AbsoluteExpiresAt);
                await db.Set<Session>().IgnoreQueryFilters()
                    .Where(s => s.Id == session.Id)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(x => x.LastSeenAt, now)
                        .SetProperty(x => x.IdleExpiresAt, idleExpiresAt), cancellationToken);
                session.IdleExpiresAt = idleExpiresAt;
                db.Add(NewRow(session, successorId, successor));
                return RefreshOutcome.Rotated(session, user, successor);
            }

            row = await db.Set<RefreshToken>().IgnoreQueryFilters().AsNoTracking()
                .FirstAsync(t => t.Id == row.Id, cancellationToken);
        }

        if (now - row.ConsumedAt!.Value <= Lifetimes.ReuseGraceWindow)
        {
            // AUTH-5: a client racing itself (two tabs, a retried request) gets the successor already issued.
            var successor = codec.Unseal(row.SealedSuccessor);
            return successor is null
                ? RefreshOutcome.Failed("successor_unavailable", session, user)
                : RefreshOutcome.Rotated(session, user, successor);
        }

        // AUTH-5: a spent token after the grace window means two parties hold the family (RFC 6819 §5.2.2.3,
        // RFC 9700 §4.14.2): end the session, so the thief's and the victim's tokens all stop working.
        await RevokeSessionsAsync(db.Set<Session>().IgnoreQueryFilters().Where(s => s.Id == session.Id),
            SessionRevocationReasons.RefreshReuse, cancellationToken);
        return RefreshOutcome.Reused(session, user);
    }

    /// <summary>
    /// AUTH-6: revokes the given sessions of the caller's tenant (call inside a unit of work); returns
    /// what must be published to <see cref="ISessionRevocations"/> after the commit.
    /// </summary>
    public async Task<IReadOnlyList<RevokedSession>> RevokeAsync(Guid userId, Guid? sessionId, string reason,
        CancellationToken cancellationToken)
    {
        var query = db.Set<Session>().Where(s => s.UserId == userId);
        if (sessionId is { } id)
        {
            query = query.Where(s => s.Id == id);
        }

        return await RevokeSessionsAsync(query, reason, cancellationToken);
    }

    /// <summary>
    /// AUTH-11: the per-user cap on concurrent sessions — called at login, before the new session is saved: of the
    /// user's open sessions, all but the newest <c>cap - 1</c> end, so with the new one the user has at most the cap.
    /// </summary>
    public async Task<IReadOnlyList<RevokedSession>> EnforceCapAsync(User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow().UtcDateTime;
        var keep = Lifetimes.MaxSessionsPerUser - 1;
        var excess = await db.Set<Session>().IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.UserId == user.Id && s.RevokedAt == null && s.AbsoluteExpiresAt > now && s.IdleExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
            .Skip(keep).Select(s => s.Id).ToListAsync(cancellationToken);
        return excess.Count == 0
            ? []
            : await RevokeSessionsAsync(db.Set<Session>().IgnoreQueryFilters().Where(s => excess.Contains(s.Id)),
                SessionRevocationReasons.SessionCap, cancellationToken);
    }

    /// <summary>
    /// AUTH-6: revokes every open session of <paramref name="userId"/> except <paramref name="keepSessionId"/> (password
    /// change: the caller stays signed in, everyone else holding the account is signed out). Call inside a unit of work.
    /// </summary>
    public Task<IReadOnlyList<RevokedSession>> RevokeOthersAsync(Guid userId, Guid? keepSessionId, string reason,
        CancellationToken cancellationToken) =>
        RevokeSessionsAsync(db.Set<Session>().Where(s => s.UserId == userId && s.Id != keepSessionId), reason, cancellationToken);

    /// <summary>AUTH-6: makes revocations effective on this instance (and, with a distributed store, on all).</summary>
    public Task PublishAsync(IReadOnlyCollection<RevokedSession> revoked, CancellationToken cancellationToken) =>
        revoked.Count == 0 ? Task.CompletedTask : revocations.RevokeAsync(revoked, cancellationToken);

    /// <summary>AUTH-6: the revocation entry for a session, remembered until its last access token has expired.</summary>
    public RevokedSession ToRevoked(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ToRevoked(session.Id, session.AbsoluteExpiresAt);
    }

    /// <inheritdoc cref="ToRevoked(Session)"/>
    public RevokedSession ToRevoked(Guid sessionId, DateTime absoluteExpiresAt)
    {
        var jwt = jwtOptions.Value;
        var until = DateTime.SpecifyKind(absoluteExpiresAt, DateTimeKind.Utc) + TimeSpan.FromMinutes(jwt.AccessTokenMinutes)
            + TimeSpan.FromSeconds(jwt.ClockSkewSeconds);
        return new RevokedSession(sessionId.ToString("N"), new DateTimeOffset(until, TimeSpan.Zero));
    }

    private async Task<IReadOnlyList<RevokedSession>> RevokeSessionsAsync(IQueryable<Session> sessions, string reason,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var open = sessions.Where(s => s.RevokedAt == null);
        var ended = await open.AsNoTracking().ToListAsync(cancellationToken);
        if (ended.Count == 0)
        {
            return [];
        }

        var ids = ended.Select(s => s.Id).ToList();
        await db.Set<Session>().IgnoreQueryFilters().Where(s => ids.Contains(s.Id) && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.RevokedAt, (DateTime?)now)
                .SetProperty(x => x.RevokedReason, reason), cancellationToken);
        // Nothing sealed outlives its family.
        await db.Set<RefreshToken>().IgnoreQueryFilters().Where(t => ids.Contains(t.SessionId) && t.SealedSuccessor != null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SealedSuccessor, (string?)null), cancellationToken);
        return ended.Select(ToRevoked).ToList();
    }

    /// <summary>AZ-4: enters the tenant of the refresh token with this hash; false when there is none.</summary>
    private Task<bool> EnterTenantOfAsync(byte[] hash, CancellationToken cancellationToken) =>
        scope.EnterTenantOfAsync(db, $"SELECT bulwark_tenant_of_refresh_token({hash}) AS \"Value\"",
            db.Set<RefreshToken>().IgnoreQueryFilters().Where(t => t.TokenHash == hash).Select(t => t.TenantId), cancellationToken);

    private static RefreshToken NewRow(Session session, Guid id, string token) => new()
    {
        Id = id,
        TenantId = session.TenantId,
        SessionId = session.Id,
        TokenHash = RefreshTokenCodec.Hash(token),
        ExpiresAt = session.IdleExpiresAt,
    };

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}

/// <summary>The result of presenting a refresh token.</summary>
public sealed record RefreshOutcome(string? FailureReason, Session? Session, User? User, string? RefreshToken, bool ReuseDetected)
{
    public bool Succeeded => FailureReason is null;

    public static RefreshOutcome Rotated(Session session, User user, string refreshToken) => new(null, session, user, refreshToken, false);

    public static RefreshOutcome Failed(string reason, Session? session = null, User? user = null) => new(reason, session, user, null, false);

    public static RefreshOutcome Reused(Session session, User user) => new("refresh_reuse", session, user, null, true);
}
