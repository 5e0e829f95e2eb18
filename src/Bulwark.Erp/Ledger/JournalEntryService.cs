using System.Globalization;
using System.Linq.Expressions;
using Bulwark.Erp.Data;
using Bulwark.Security.Errors;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Ledger;

public sealed class JournalEntryService(BulwarkDbContext db, UnitOfWork unitOfWork, TimeProvider time, ListCountCache counts)
{
    public const string NumberPrefix = "JE-";

    /// <summary>Namespace of the per-tenant advisory lock that serializes numbering on PostgreSQL ("LEDG").</summary>
    private const int NumberingLockClass = 0x4C454447;

    public static readonly SortMap<JournalEntry> Sort = new SortMap<JournalEntry>()
        .Add("date", e => e.Date)
        .Add("number", e => e.Number)
        .Add("createdAt", e => e.CreatedAt);

    private static readonly Expression<Func<JournalEntry, JournalEntrySummaryResponse>> ToSummary = e => new JournalEntrySummaryResponse(
        e.Id, e.Number, e.Date, e.Memo, e.Status, e.PostedAt, e.ReversalOfId, e.ReversedById,
        Money.FromCents(e.Lines.Sum(l => l.DebitCents)), e.Version, e.CreatedAt, e.UpdatedAt);

    // Issue 7: the page compiled once per sort, direction and status filter (unfiltered, then LedgerContracts.Statuses in
    // order), for the lists whose count is reused (no date or account filter).
    private static readonly CompiledPages<JournalEntry, JournalEntrySummaryResponse> Pages = new(Sort, ToSummary,
        [null, .. LedgerContracts.Statuses.Select(StatusIs)]);

    public Task<PagedResult<JournalEntrySummaryResponse>> ListAsync(PageQuery page, string? status, DateOnly? from, DateOnly? to,
        Guid? accountId, CancellationToken cancellationToken)
    {
        // Issue 7: counted or projected to summaries, neither of which tracks entities (as in ItemService.ListAsync).
        IQueryable<JournalEntry> query = db.JournalEntries;
        if (status is not null)
        {
            query = query.Where(e => e.Status == status);
        }

        if (from is { } fromDate)
        {
            query = query.Where(e => e.Date >= fromDate);
        }

        if (to is { } toDate)
        {
            query = query.Where(e => e.Date <= toDate);
        }

        if (accountId is { } account)
        {
            query = query.Where(e => e.Lines.Any(l => l.AccountId == account));
        }

        // Issue 7: the count of the whole journal (or of one status: a closed set, validated by the endpoint) is reused
        // until an entry write commits; date and account filters are counted on every request.
        if (from is null && to is null && accountId is null && (status is null || LedgerContracts.Statuses.Contains(status)))
        {
            return query.ToPageAsync(db, page, Pages, FilterOf(status), counts, ListCountCache.For<JournalEntry>("status=" + status),
                cancellationToken);
        }

        return query.ToPageAsync(db, page, Sort, ToSummary, cancellationToken);
    }

    /// <summary>The compiled page's filter number: 0 unfiltered, then 1 + the status's place in LedgerContracts.Statuses.</summary>
    private static int FilterOf(string? status)
    {
        for (var i = 0; i < LedgerContracts.Statuses.Count; i++)
        {
            if (string.Equals(status, LedgerContracts.Statuses[i], StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary><c>e.Status == status</c> with the status a constant of the tree (one compiled query per status).</summary>
    private static Expression<Func<JournalEntry, bool>>? StatusIs(string status)
    {
        var entry = Expression.Parameter(typeof(JournalEntry), "e");
        return Expression.Lambda<Func<JournalEntry, bool>>(
            Expression.Equal(Expression.Property(entry, nameof(JournalEntry.Status)), Expression.Constant(status)), entry);
    }

    public async Task<JournalEntryResponse?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        // AZ-4: both sets are tenant-filtered, so another tenant's entry (or its lines) never matches.
        var entry = await db.JournalEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entry is null)
        {
            return null;
        }

        var lines = await (
                from l in db.JournalLines.AsNoTracking()
                join a in db.Accounts.AsNoTracking() on l.AccountId equals a.Id
                where l.EntryId == id
                orderby l.LineNo
                select new { l.Id, l.LineNo, l.AccountId, a.Code, a.Name, l.DebitCents, l.CreditCents, l.Description })
            .ToListAsync(cancellationToken);
        return new JournalEntryResponse(
            entry.Id, entry.Number, entry.Date, entry.Memo, entry.Status, entry.PostedAt, entry.ReversalOfId, entry.ReversedById,
            Money.FromCents(lines.Sum(l => l.DebitCents)), Money.FromCents(lines.Sum(l => l.CreditCents)),
            lines.Select(l => new JournalLineResponse(l.Id, l.LineNo, l.AccountId, l.Code, l.Name,
                Money.FromCents(l.DebitCents), Money.FromCents(l.CreditCents), l.Description)).ToList(),
            entry.Version, entry.CreatedAt, entry.UpdatedAt);
    }

    public async Task<JournalEntryResponse> CreateAsync(CreateJournalEntryRequest request, CancellationToken cancellationToken)
    {
        var id = await unitOfWork.RunAsync(async ct =>
        {
            var lines = await BuildLinesAsync(request.Lines!, ct);
            EnsureBalanced(lines);
            var post = request.Post == true;
            var entry = new JournalEntry
            {
                Number = await NextNumberAsync(ct),
                Date = request.Date!.Value,
                Memo = EmptyToNull(request.Memo),
                Status = post ? LedgerContracts.Posted : LedgerContracts.Draft,
                PostedAt = post ? time.GetUtcNow().UtcDateTime : null,
                Lines = lines,
            };
            db.JournalEntries.Add(entry);
            return entry.Id;
        }, cancellationToken);
        return (await FindAsync(id, cancellationToken))!;
    }

    /// <summary>Replaces date, memo and lines of a draft. Null when the entry does not exist (in this tenant).</summary>
    public async Task<JournalEntryResponse?> UpdateAsync(Guid id, UpdateJournalEntryRequest request, CancellationToken cancellationToken)
    {
        var found = await unitOfWork.RunAsync(async ct =>
        {
            var entry = await db.JournalEntries.Include(e => e.Lines).FirstOrDefaultAsync(e => e.Id == id, ct);
            if (entry is null)
            {
                return false;
            }

            // DATA-6: a posted entry is immutable; corrections are reversing entries.
            EnsureDraft(entry);
            db.ExpectVersion(entry, request.Version!.Value);
            var lines = await BuildLinesAsync(request.Lines!, ct);
            EnsureBalanced(lines);
            entry.Date = request.Date!.Value;
            entry.Memo = EmptyToNull(request.Memo);
            db.JournalLines.RemoveRange(entry.Lines);
            foreach (var line in lines)
            {
                line.EntryId = entry.Id;
            }

            db.JournalLines.AddRange(lines);
            // The entry row itself must be written (version bump + concurrency check) even when only lines changed.
            db.Entry(entry).Property(e => e.UpdatedAt).IsModified = true;
            return true;
        }, cancellationToken);
        return found ? await FindAsync(id, cancellationToken) : null;
    }

    /// <summary>Posts a balanced draft. Null when the entry does not exist (in this tenant).</summary>
    public async Task<JournalEntryResponse?> PostAsync(Guid id, PostJournalEntryRequest request, CancellationToken cancellationToken)
    {
        var found = await unitOfWork.RunAsync(async ct =>
        {
            var entry = await db.JournalEntries.Include(e => e.Lines).FirstOrDefaultAsync(e => e.Id == id, ct);
            if (entry is null)
            {
                return false;
            }

            if (entry.Status != LedgerContracts.Draft)
            {
                throw BusinessRuleException.Conflict("The journal entry is already posted.");
            }

            // DATA-6: posting applies only to the version the client read (so it posts what was reviewed).
            db.ExpectVersion(entry, request.Version!.Value);
            var lines = entry.Lines.OrderBy(l => l.LineNo).ToList();
            await EnsureAccountsActiveAsync(lines.Select(l => l.AccountId).ToList(), ct);
            EnsureBalanced(lines);
            entry.Status = LedgerContracts.Posted;
            entry.PostedAt = time.GetUtcNow().UtcDateTime;
            return true;
        }, cancellationToken);
        return found ? await FindAsync(id, cancellationToken) : null;
    }

    /// <summary>
    /// Reverses a posted entry: a new posted entry with debits and credits swapped, linked both ways.
    /// Null when the entry does not exist (in this tenant).
    /// </summary>
    public async Task<JournalEntryResponse?> ReverseAsync(Guid id, CancellationToken cancellationToken)
    {
        var reversalId = await unitOfWork.RunAsync(async ct =>
        {
            // Taken first, so a concurrent reversal of the same entry waits and then sees it reversed.
            await LockNumberingAsync(ct);
            var entry = await db.JournalEntries.Include(e => e.Lines).FirstOrDefaultAsync(e => e.Id == id, ct);
            if (entry is null)
            {
                return (Guid?)null;
            }

            if (entry.Status != LedgerContracts.Posted)
            {
                throw BusinessRuleException.Conflict("Only a posted journal entry can be reversed; edit the draft instead.");
            }

            if (entry.ReversedById is not null)
            {
                throw BusinessRuleException.Conflict("The journal entry has already been reversed.");
            }

            var now = time.GetUtcNow().UtcDateTime;
            var today = DateOnly.FromDateTime(now);
            var reversal = new JournalEntry
            {
                Number = await NextNumberAsync(ct),
                Date = today > entry.Date ? today : entry.Date,
                Memo = "Reversal of " + entry.Number,
                Status = LedgerContracts.Posted,
                PostedAt = now,
                ReversalOfId = entry.Id,
                Lines = entry.Lines.OrderBy(l => l.LineNo).Select(l => new JournalLine
                {
                    TenantId = l.TenantId,
                    LineNo = l.LineNo,
                    AccountId = l.AccountId,
                    DebitCents = l.CreditCents,
                    CreditCents = l.DebitCents,
                    Description = l.Description,
                }).ToList(),
            };
            db.JournalEntries.Add(reversal);
            // DATA-6: the original stays as posted; only its link to the correction is recorded. The
            // version token makes a racing second reversal fail with 409 instead of reversing twice.
            entry.ReversedById = reversal.Id;
            return reversal.Id;
        }, cancellationToken);
        return reversalId is { } created ? await FindAsync(created, cancellationToken) : null;
    }

    private static void EnsureDraft(JournalEntry entry)
    {
        if (entry.Status != LedgerContracts.Draft)
        {
            throw BusinessRuleException.Conflict("A posted journal entry cannot be changed; post a reversing entry instead.");
        }
    }

    /// <summary>DATA-6: total debit = total credit, and the entry moves some money.</summary>
    private static void EnsureBalanced(List<JournalLine> lines)
    {
        long debit = 0, credit = 0;
        foreach (var line in lines)
        {
            debit = checked(debit + line.DebitCents);
            credit = checked(credit + line.CreditCents);
        }

        if (debit != credit || debit <= 0)
        {
            throw BusinessRuleException.Unprocessable(
                "The journal entry does not balance: total debit must equal total credit and be greater than zero.", "lines");
        }
    }

    /// <summary>Maps validated request lines to entity lines after checking their accounts (tenant, active).</summary>
    private async Task<List<JournalLine>> BuildLinesAsync(IReadOnlyList<JournalLineRequest?> requested, CancellationToken cancellationToken)
    {
        var tenantId = db.CurrentTenantId ?? throw new InvalidOperationException("A journal entry needs a tenant.");
        var lines = requested.Select((line, i) => new JournalLine
        {
            // AZ-4: lines carry the caller's tenant (from the principal), never a client value.
            TenantId = tenantId,
            LineNo = i + 1,
            AccountId = line!.AccountId!.Value,
            DebitCents = Money.ToCents(line.Debit ?? 0m),
            CreditCents = Money.ToCents(line.Credit ?? 0m),
            Description = EmptyToNull(line.Description),
        }).ToList();
        await EnsureAccountsActiveAsync(lines.Select(l => l.AccountId).ToList(), cancellationToken);
        return lines;
    }

    /// <summary>
    /// Every referenced account must exist in the caller's tenant and be active; otherwise 422 naming
    /// <c>lines[i].accountId</c>. AZ-4: another tenant's account is filtered out, so it reads as missing.
    /// </summary>
    private async Task EnsureAccountsActiveAsync(List<Guid> accountIds, CancellationToken cancellationToken)
    {
        var distinct = accountIds.Distinct().ToList();
        var active = await db.Accounts.AsNoTracking()
            .Where(a => distinct.Contains(a.Id) && a.IsActive)
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);
        for (var i = 0; i < accountIds.Count; i++)
        {
            if (!active.Contains(accountIds[i]))
            {
                var field = string.Create(CultureInfo.InvariantCulture, $"lines[{i}].accountId");
                throw BusinessRuleException.Unprocessable($"{field}: no active account with this id exists.", field);
            }
        }
    }

    /// <summary>
    /// The next "JE-000001"-style number of the tenant. Safe under the unique (tenant, number) index:
    /// on SQLite the write gate admits one writer at a time; on PostgreSQL a per-tenant transaction
    /// advisory lock (taken here, released at commit) serializes numbering, and under READ COMMITTED
    /// the query after the lock sees the previous holder's committed entry.
    /// </summary>
    private async Task<string> NextNumberAsync(CancellationToken cancellationToken)
    {
        await LockNumberingAsync(cancellationToken);
        // Numbers are server-assigned with a fixed prefix; longer means larger once past 999999.
        var last = await db.JournalEntries
            .OrderByDescending(e => e.Number.Length)
            .ThenByDescending(e => e.Number)
            .Select(e => e.Number)
            .FirstOrDefaultAsync(cancellationToken);
        long next = 1;
        if (last is not null && last.StartsWith(NumberPrefix, StringComparison.Ordinal)
            && long.TryParse(last.AsSpan(NumberPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            next = n + 1;
        }

        return FormatNumber(next);
    }

    internal static string FormatNumber(long number) =>
        string.Create(CultureInfo.InvariantCulture, $"{NumberPrefix}{number:D6}");

    private async Task LockNumberingAsync(CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return; // SQLite: the WriteGate already serializes every write unit.
        }

        var tenantId = db.CurrentTenantId ?? throw new InvalidOperationException("Numbering needs a tenant.");
        // The random tail of the tenant's UUIDv7; two tenants sharing a key only wait for each other.
        var key = BitConverter.ToInt32(tenantId.ToByteArray(), 12);
        // Re-entrant within one transaction, released automatically at commit or rollback.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({NumberingLockClass}, {key})", cancellationToken);
    }

    private static string? EmptyToNull(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
