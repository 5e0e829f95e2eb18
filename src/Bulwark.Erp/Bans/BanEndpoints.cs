using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using Bulwark.Security.Authentication;
using Bulwark.Security.Bans;
using Bulwark.Security.Errors;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Erp.Bans;

/// <summary>
/// BAN-1: the ban list for admins: list (<c>?active=true</c> for current bans only), inspect one IP (why, when, how
/// many times), lift. Bans protect the whole service, not one tenant. Lifting is a security event.
/// </summary>
public static class BanEndpoints
{
    public static RouteGroupBuilder MapBans(this IEndpointRouteBuilder api)
    {
        // BAN-1 / AZ-2: the bans:manage permission (admin).
        var group = api.MapGroup("/bans").WithTags("Bans").RequirePermission(Permissions.BansManage);
        group.MapGet("/", ListBans).WithName("ListBans").WithQueryParameters("active");
        group.MapGet("/{ip}", GetBan).WithName("GetBan");
        group.MapDelete("/{ip}", LiftBan).WithName("LiftBan");
        return group;
    }

    private static async Task<Ok<IReadOnlyList<BanResponse>>> ListBans(bool? active, IBanAdministration bans, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var records = await bans.ListAsync(active == true, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok<IReadOnlyList<BanResponse>>([.. records.Select(r => BanResponse.From(r, now))]);
    }

    private static async Task<Results<Ok<BanResponse>, NotFound, ProblemHttpResult>> GetBan(string ip, IBanAdministration bans,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var (valid, record) = await bans.GetAsync(ip, cancellationToken);
        if (!valid)
        {
            return NotAnIp();
        }

        return record is null ? TypedResults.NotFound() : TypedResults.Ok(BanResponse.From(record, time.GetUtcNow()));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> LiftBan(string ip, IBanAdministration bans,
        HttpContext http, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User);
        var (valid, record) = await bans.LiftAsync(ip, caller?.UserId.ToString() ?? "unknown", cancellationToken);
        if (!valid)
        {
            return NotAnIp();
        }

        return record is null ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    private static ProblemHttpResult NotAnIp() => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
        detail: "ip must be an IPv4 or IPv6 address.", type: ProblemTypes.TypeFor(StatusCodes.Status400BadRequest));
}
