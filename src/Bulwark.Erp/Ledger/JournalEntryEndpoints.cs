using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Security.Headers;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Erp.Ledger;

public static class JournalEntryEndpoints
{
    public static RouteGroupBuilder MapJournalEntries(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/journal-entries").WithTags("Ledger").AuditCrossTenantIds<JournalEntry>();
        group.MapGet("/", ListJournalEntries).WithName("ListJournalEntries").RequirePermission(Permissions.LedgerRead)
            .WithListQuery(JournalEntryService.Sort.Names, "status", "from", "to", "accountId").WithCompression();
        group.MapGet("/{id:guid}", GetJournalEntry).WithName("GetJournalEntry").RequirePermission(Permissions.LedgerRead);
        group.MapPost("/", CreateJournalEntry).WithName("CreateJournalEntry").RequirePermission(Permissions.LedgerWrite);
        group.MapPut("/{id:guid}", UpdateJournalEntry).WithName("UpdateJournalEntry").RequirePermission(Permissions.LedgerWrite);
        group.MapPost("/{id:guid}/post", PostJournalEntry).WithName("PostJournalEntry").RequirePermission(Permissions.LedgerPost);
        group.MapPost("/{id:guid}/reverse", ReverseJournalEntry).WithName("ReverseJournalEntry").RequirePermission(Permissions.LedgerPost);
        return group;
    }

    private static async Task<Ok<PagedResult<JournalEntrySummaryResponse>>> ListJournalEntries(
        PageQuery page, string? status, DateOnly? from, DateOnly? to, Guid? accountId,
        JournalEntryService entries, CancellationToken cancellationToken)
    {
        // VAL-6: a filter value outside the allow-list is a 400, not an empty page.
        var errors = new ValidationErrors();
        errors.OneOf("status", status, LedgerContracts.Statuses, required: false);
        errors.ThrowIfAny();
        return TypedResults.Ok(await entries.ListAsync(page, status, from, to, accountId, cancellationToken));
    }

    private static async Task<Results<Ok<JournalEntryResponse>, NotFound>> GetJournalEntry(
        Guid id, JournalEntryService entries, CancellationToken cancellationToken)
    {
        // AZ-4: the tenant query filter makes another tenant's id look exactly like a missing one.
        var entry = await entries.FindAsync(id, cancellationToken);
        return EndpointResults.OkOrNotFound(entry);
    }

    private static async Task<Created<JournalEntryResponse>> CreateJournalEntry(
        CreateJournalEntryRequest request, JournalEntryService entries, CancellationToken cancellationToken)
    {
        var entry = await entries.CreateAsync(request, cancellationToken);
        return TypedResults.Created($"/api/v1/journal-entries/{entry.Id}", entry);
    }

    private static async Task<Results<Ok<JournalEntryResponse>, NotFound>> UpdateJournalEntry(
        Guid id, UpdateJournalEntryRequest request, JournalEntryService entries, CancellationToken cancellationToken)
    {
        var entry = await entries.UpdateAsync(id, request, cancellationToken);
        return EndpointResults.OkOrNotFound(entry);
    }

    private static async Task<Results<Ok<JournalEntryResponse>, NotFound>> PostJournalEntry(
        Guid id, PostJournalEntryRequest request, JournalEntryService entries, CancellationToken cancellationToken)
    {
        var entry = await entries.PostAsync(id, request, cancellationToken);
        return EndpointResults.OkOrNotFound(entry);
    }

    private static async Task<Results<Created<JournalEntryResponse>, NotFound>> ReverseJournalEntry(
        Guid id, JournalEntryService entries, CancellationToken cancellationToken)
    {
        var reversal = await entries.ReverseAsync(id, cancellationToken);
        return reversal is null
            ? TypedResults.NotFound()
            : TypedResults.Created($"/api/v1/journal-entries/{reversal.Id}", reversal);
    }
}
