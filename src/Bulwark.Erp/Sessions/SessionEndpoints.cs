using Bulwark.Security.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Sessions;

/// <summary>AUTH-11: a user lists their own open sessions and ends any of them.</summary>
public static class SessionEndpoints
{
    public static readonly SortMap<Session> Sort = new SortMap<Session>()
        .Add("createdAt", s => s.CreatedAt)
        .Add("lastSeenAt", s => s.LastSeenAt);

    public static RouteGroupBuilder MapSessions(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/auth/sessions").WithTags("Authentication");
        group.MapGet("/", ListSessions).WithName("ListSessions").WithListQuery(Sort.Names).RequireAuthenticatedOnly();   // AUTH-11: own sessions
        group.MapDelete("/{id:guid}", EndSession).WithName("EndSession").RequireAuthenticatedOnly();
        return group;
    }

    private static async Task<Ok<PagedResult<SessionResponse>>> ListSessions(PageQuery page, HttpContext http, BulwarkDbContext db,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var now = time.GetUtcNow().UtcDateTime;
        var current = caller.Session ?? Guid.Empty;
        // Own sessions only (AZ-3), still usable: not revoked, within both lifetimes.
        var query = db.Sessions.AsNoTracking()
            .Where(s => s.UserId == caller.UserId && s.RevokedAt == null && s.AbsoluteExpiresAt > now && s.IdleExpiresAt > now);
        return TypedResults.Ok(await query.ToPageAsync(db, page, Sort,
            s => new SessionResponse(s.Id, s.UserAgent, s.IpAddress, s.CreatedAt, s.LastSeenAt, s.IdleExpiresAt, s.Id == current),
            cancellationToken));
    }

    private static async Task<Results<NoContent, NotFound>> EndSession(Guid id, HttpContext http, UnitOfWork unitOfWork,
        SessionService sessions, ISecurityEvents events, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        // AZ-3/AZ-4: only the caller's own open sessions match; anyone else's id looks like a missing one.
        var revoked = await unitOfWork.RunAsync(
            ct => sessions.RevokeAsync(caller.UserId, id, SessionRevocationReasons.EndedByUser, ct), cancellationToken);
        if (revoked.Count == 0)
        {
            return TypedResults.NotFound();
        }

        await sessions.PublishAsync(revoked, cancellationToken);
        events.Emit(http, SecurityEventTypes.SessionRevoked, SecurityOutcome.Success, reason: SessionRevocationReasons.EndedByUser);
        return TypedResults.NoContent();
    }
}
