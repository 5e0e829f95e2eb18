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

public static class AccountEndpoints
{
    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/accounts").WithTags("Ledger").AuditCrossTenantIds<Account>();
        group.MapGet("/", ListAccounts).WithName("ListAccounts").RequirePermission(Permissions.LedgerRead)
            .WithListQuery(AccountService.Sort.Names, "type", "active").WithCompression();
        group.MapGet("/{id:guid}", GetAccount).WithName("GetAccount").RequirePermission(Permissions.LedgerRead);
        group.MapGet("/{id:guid}/balance", GetAccountBalance).WithName("GetAccountBalance").RequirePermission(Permissions.LedgerRead);
        group.MapPost("/", CreateAccount).WithName("CreateAccount").RequirePermission(Permissions.LedgerWrite);
        group.MapPut("/{id:guid}", UpdateAccount).WithName("UpdateAccount").RequirePermission(Permissions.LedgerWrite);
        return group;
    }

    private static async Task<Ok<PagedResult<AccountResponse>>> ListAccounts(
        PageQuery page, string? type, bool? active, AccountService accounts, CancellationToken cancellationToken)
    {
        // VAL-6: a filter value outside the allow-list is a 400, not an empty page.
        var errors = new ValidationErrors();
        errors.OneOf("type", type, LedgerContracts.AccountTypes, required: false);
        errors.ThrowIfAny();
        return TypedResults.Ok(await accounts.ListAsync(page, type, active, cancellationToken));
    }

    private static async Task<Results<Ok<AccountResponse>, NotFound>> GetAccount(
        Guid id, AccountService accounts, CancellationToken cancellationToken)
    {
        // AZ-4: the tenant query filter makes another tenant's id look exactly like a missing one.
        var account = await accounts.FindAsync(id, cancellationToken);
        return EndpointResults.OkOrNotFound(account);
    }

    private static async Task<Results<Ok<AccountBalanceResponse>, NotFound>> GetAccountBalance(
        Guid id, AccountService accounts, CancellationToken cancellationToken)
    {
        var balance = await accounts.BalanceAsync(id, cancellationToken);
        return EndpointResults.OkOrNotFound(balance);
    }

    private static async Task<Created<AccountResponse>> CreateAccount(
        CreateAccountRequest request, AccountService accounts, CancellationToken cancellationToken)
    {
        var account = await accounts.CreateAsync(request, cancellationToken);
        return TypedResults.Created($"/api/v1/accounts/{account.Id}", account);
    }

    private static async Task<Results<Ok<AccountResponse>, NotFound>> UpdateAccount(
        Guid id, UpdateAccountRequest request, AccountService accounts, CancellationToken cancellationToken)
    {
        var account = await accounts.UpdateAsync(id, request, cancellationToken);
        return EndpointResults.OkOrNotFound(account);
    }
}
