using System.Linq.Expressions;
using Bulwark.Erp.Data;
using Bulwark.Security.Errors;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Ledger;

public sealed class AccountService(BulwarkDbContext db, UnitOfWork unitOfWork)
{
    public static readonly SortMap<Account> Sort = new SortMap<Account>()
        .Add("code", a => a.Code)
        .Add("name", a => a.Name)
        .Add("type", a => a.Type);

    private static readonly Expression<Func<Account, AccountResponse>> ToResponse = a => new AccountResponse(
        a.Id, a.Code, a.Name, a.Type, a.IsActive, a.Version, a.CreatedAt, a.UpdatedAt);

    private static readonly Func<Account, AccountResponse> ToResponseCompiled = ToResponse.Compile();

    public Task<PagedResult<AccountResponse>> ListAsync(PageQuery page, string? type, bool? active, CancellationToken cancellationToken)
    {
        var query = db.Accounts.AsNoTracking();
        if (type is not null)
        {
            query = query.Where(a => a.Type == type);
        }

        if (active is { } isActive)
        {
            query = query.Where(a => a.IsActive == isActive);
        }

        return query.ToPageAsync(db, page, Sort, ToResponse, cancellationToken);
    }

    public Task<AccountResponse?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(ToResponse).FirstOrDefaultAsync(cancellationToken);

    public async Task<AccountResponse> CreateAsync(CreateAccountRequest request, CancellationToken cancellationToken)
    {
        var account = await unitOfWork.RunAsync(async ct =>
        {
            // The unique index (tenant, code) is the final word under concurrency (→ 409 as well).
            if (await db.Accounts.AnyAsync(a => a.Code == request.Code, ct))
            {
                throw BusinessRuleException.Conflict("An account with this code already exists.");
            }

            var account = new Account { Code = request.Code!, Name = request.Name!, Type = request.Type! };
            db.Accounts.Add(account);
            return account;
        }, cancellationToken);
        return ToResponseCompiled(account);
    }

    public async Task<AccountResponse?> UpdateAsync(Guid id, UpdateAccountRequest request, CancellationToken cancellationToken)
    {
        var account = await unitOfWork.RunAsync(async ct =>
        {
            var account = await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, ct);
            if (account is null)
            {
                return null;
            }

            // Code and type are not part of the request: they are immutable once lines may refer to them.
            db.ExpectVersion(account, request.Version!.Value);
            account.Name = request.Name!;
            account.IsActive = request.IsActive!.Value;
            return account;
        }, cancellationToken);
        return account is null ? null : ToResponseCompiled(account);
    }

    /// <summary>The account's posted totals, summed by the database in integer cents (never stored).</summary>
    public async Task<AccountBalanceResponse?> BalanceAsync(Guid id, CancellationToken cancellationToken)
    {
        var lines = LedgerQueries.PostedLines(db, asOf: null);
        var row = await db.Accounts.AsNoTracking()
            .Where(a => a.Id == id)
            .Select(a => new
            {
                a.Id,
                a.Code,
                a.Name,
                a.Type,
                Debit = lines.Where(l => l.AccountId == a.Id).Sum(l => l.DebitCents),
                Credit = lines.Where(l => l.AccountId == a.Id).Sum(l => l.CreditCents),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null
            ? null
            : new AccountBalanceResponse(row.Id, row.Code, row.Name, row.Type,
                Money.FromCents(row.Debit), Money.FromCents(row.Credit), Money.FromCents(row.Debit - row.Credit));
    }
}
