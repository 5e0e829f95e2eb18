using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using Bulwark.Security.Headers;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Erp.Ledger;

/// <summary>Ledger reports (read-only, computed from posted lines).</summary>
public static class LedgerEndpoints
{
    public static RouteGroupBuilder MapLedger(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/ledger").WithTags("Ledger");
        group.MapGet("/trial-balance", GetTrialBalance).WithName("GetTrialBalance").RequirePermission(Permissions.LedgerRead)
            .WithQueryParameters("asOf").WithCompression();
        return group;
    }

    private static async Task<Ok<TrialBalanceResponse>> GetTrialBalance(
        DateOnly? asOf, LedgerReportService reports, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reports.TrialBalanceAsync(asOf, cancellationToken));
}
