using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using System.Linq.Expressions;
using System.Text.Json;
using Bulwark.Erp.Data;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: the audit trail for admins and auditors: <c>GET /audit-events</c> (filter by time, actor,
/// type, resource; paginated; allow-listed sort) and <c>GET /audit-events/chain</c> (chain status).
/// Tenant-scoped: an audit row carries its tenant but is no <see cref="TenantEntity"/> (the chain is
/// global), so the filter on the caller's tenant is explicit here; with no tenant nothing is listed.
/// </summary>
public static class AuditEventEndpoints
{
    /// <summary>Longest accepted filter value (the longest audit column, Resource, is 512).</summary>
    private const int MaxFilterLength = 512;

    public static readonly SortMap<AuditEvent> Sort = new SortMap<AuditEvent>()
        .Add("sequence", e => e.Sequence)
        .Add("time", e => e.Time)
        .Add("type", e => e.Type)
        .Add("actorId", e => e.ActorId);

    private static readonly Expression<Func<AuditEvent, AuditEventRow>> ToRow = e => new AuditEventRow(
        e.Id, e.Sequence, e.Time, e.Type, e.Outcome, e.ActorId, e.ClientIp, e.Resource, e.Action, e.Reason, e.TraceId, e.Data,
        e.Hash, e.PreviousHash);

    public static RouteGroupBuilder MapAuditEvents(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/audit-events").WithTags("Audit")
            // LOG-3 / AZ-2: the audit:read permission (admin, auditor).
            .RequirePermission(Permissions.AuditRead);
        group.MapGet("/", ListAuditEvents).WithName("ListAuditEvents")
            .WithListQuery(Sort.Names, "from", "to", "actor", "type", "resource");
        group.MapGet("/chain", GetChainStatus).WithName("GetAuditChainStatus");
        return group;
    }

    private static async Task<Ok<PagedResult<AuditEventResponse>>> ListAuditEvents(PageQuery page, DateTimeOffset? from,
        DateTimeOffset? to, string? actor, string? type, string? resource, BulwarkDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.PlainText("actor", actor, 64, required: false);
        errors.PlainText("type", type, 100, required: false);
        errors.PlainText("resource", resource, MaxFilterLength, required: false);
        if (from is { } start && to is { } end && end < start)
        {
            errors.Add("to", "range", "must not be before from");
        }

        errors.ThrowIfAny();

        // AZ-4: only the caller's tenant; the parameter is this context's tenant (null → no rows).
        var tenant = db.CurrentTenantId;
        var query = db.AuditEvents.AsNoTracking().Where(e => tenant != null && e.TenantId == tenant);
        if (from is { } after)
        {
            var since = after.UtcDateTime;
            query = query.Where(e => e.Time >= since);
        }

        if (to is { } before)
        {
            var until = before.UtcDateTime;
            query = query.Where(e => e.Time <= until);
        }

        if (actor is not null)
        {
            query = query.Where(e => e.ActorId == actor);
        }

        if (type is not null)
        {
            query = query.Where(e => e.Type == type);
        }

        if (resource is not null)
        {
            // "Item/" lists every item's events; "Item/{id}" one record's.
            query = resource.EndsWith('/')
                ? query.Where(e => e.Resource!.StartsWith(resource))
                : query.Where(e => e.Resource == resource);
        }

        var rows = await query.ToPageAsync(db, page, Sort, ToRow, cancellationToken);
        return TypedResults.Ok(new PagedResult<AuditEventResponse>(
            rows.Items.Select(r => r.ToResponse()).ToList(), rows.Page, rows.PageSize, rows.TotalCount));
    }

    private static async Task<Ok<AuditChainResponse>> GetChainStatus(AuditChainStatus status, BulwarkDbContext db,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await status.CheckAsync(db.CurrentTenantId, cancellationToken));

    /// <summary>The columns read from the database; <c>Data</c> is parsed after the query.</summary>
    private sealed record AuditEventRow(Guid Id, long Sequence, DateTime Time, string Type, string Outcome, string? ActorId,
        string? ClientIp, string? Resource, string? Action, string? Reason, string? TraceId, string? Data, string? Hash,
        string? PreviousHash)
    {
        public AuditEventResponse ToResponse() => new(Id, Sequence, Time, Type, Outcome, ActorId, ClientIp, Resource, Action,
            Reason, TraceId, ParseData(Data), Hash, PreviousHash);

        private static JsonElement? ParseData(string? data)
        {
            if (data is null)
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(data);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // A row edited into invalid JSON is shown as the text it holds (verify-audit names it).
                return JsonSerializer.SerializeToElement(data, AuditApiJsonContext.Default.String);
            }
        }
    }
}
