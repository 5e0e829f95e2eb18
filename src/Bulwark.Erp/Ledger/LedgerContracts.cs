using System.Globalization;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Ledger;

public static class LedgerContracts
{
    public const int CodeMaxLength = 32;
    public const int NameMaxLength = 200;
    public const int MemoMaxLength = 2000;
    public const int LineDescriptionMaxLength = 500;
    public const int MinLines = 2;
    public const int MaxLines = 100;
    public const decimal MaxAmount = 1_000_000_000_000m;

    public const string Draft = "draft";
    public const string Posted = "posted";

    public static readonly DateOnly MinDate = new(1900, 1, 1);
    public static readonly DateOnly MaxDate = new(2999, 12, 31);

    public static readonly IReadOnlyList<string> AccountTypes = ["asset", "liability", "equity", "revenue", "expense"];

    public static readonly IReadOnlyList<string> Statuses = [Draft, Posted];

    /// <summary>VAL-2: the lines of an entry, each field named by its JSON path (<c>lines[2].debit</c>).</summary>
    internal static void ValidateLines(ValidationErrors errors, IReadOnlyList<JournalLineRequest?>? lines)
    {
        errors.Items("lines", lines, MinLines, MaxLines);
        if (lines is null || lines.Count > MaxLines)
        {
            return;
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"lines[{i}]");
            if (lines[i] is not { } line)
            {
                errors.Add(path, "required", "must be an object");
                continue;
            }

            line.Validate(errors, path);
        }
    }
}

/// <summary>VAL-2/VAL-3: a new account; id, tenant, version, timestamps and balances are server-owned.</summary>
public sealed record CreateAccountRequest : IValidatableRequest
{
    public string? Code { get; init; }

    public string? Name { get; init; }

    /// <summary>asset, liability, equity, revenue or expense; immutable once created.</summary>
    public string? Type { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.Code("code", Code, LedgerContracts.CodeMaxLength);
        errors.PlainText("name", Name, LedgerContracts.NameMaxLength);
        errors.OneOf("type", Type, LedgerContracts.AccountTypes);
    }
}

/// <summary>
/// The editable fields of an account; code and type are immutable (not properties, so sending them
/// is an unknown-property 400). <c>version</c> must match the stored one (DATA-6).
/// </summary>
public sealed record UpdateAccountRequest : IValidatableRequest
{
    public string? Name { get; init; }

    public bool? IsActive { get; init; }

    public int? Version { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.PlainText("name", Name, LedgerContracts.NameMaxLength);
        errors.Required("isActive", IsActive);
        errors.Range("version", Version, 1, int.MaxValue);
    }
}

public sealed record AccountResponse(
    Guid Id,
    string Code,
    string Name,
    string Type,
    bool IsActive,
    int Version,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>Sums of the account's posted lines; <c>balance</c> = debit − credit (positive: debit balance).</summary>
public sealed record AccountBalanceResponse(Guid AccountId, string Code, string Name, string Type, decimal Debit, decimal Credit, decimal Balance);

/// <summary>One line of an entry: exactly one of <c>debit</c> / <c>credit</c> is greater than zero.</summary>
public sealed record JournalLineRequest
{
    public Guid? AccountId { get; init; }

    public decimal? Debit { get; init; }

    public decimal? Credit { get; init; }

    public string? Description { get; init; }

    internal void Validate(ValidationErrors errors, string path)
    {
        errors.NotEmpty(path + ".accountId", AccountId);
        errors.Money(path + ".debit", Debit, 0m, LedgerContracts.MaxAmount, required: false);
        errors.Money(path + ".credit", Credit, 0m, LedgerContracts.MaxAmount, required: false);
        errors.PlainText(path + ".description", Description, LedgerContracts.LineDescriptionMaxLength, required: false, minLength: 0);
        if (Debit is null && Credit is null)
        {
            errors.Add(path + ".debit", "required", "a debit or a credit is required");
        }
        else if ((Debit ?? 0m) > 0m == (Credit ?? 0m) > 0m)
        {
            // DATA-6: a line moves money one way; "both" or "neither" is not a line.
            errors.Add(path + ".debit", "exactlyOne", "exactly one of debit and credit must be greater than zero");
        }
    }
}

/// <summary>
/// VAL-2/VAL-3: a new journal entry. Number, status transitions, posting time and reversal links are
/// server-owned; <c>post</c> only asks for the entry to be created already posted.
/// </summary>
public sealed record CreateJournalEntryRequest : IValidatableRequest
{
    public DateOnly? Date { get; init; }

    /// <summary>Plain text, line breaks allowed.</summary>
    public string? Memo { get; init; }

    public IReadOnlyList<JournalLineRequest?>? Lines { get; init; }

    public bool? Post { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.DateRange("date", Date, LedgerContracts.MinDate, LedgerContracts.MaxDate);
        errors.PlainText("memo", Memo, LedgerContracts.MemoMaxLength, required: false, minLength: 0, multiline: true);
        LedgerContracts.ValidateLines(errors, Lines);
    }
}

/// <summary>Replaces date, memo and lines of a draft; <c>version</c> must match the stored one (DATA-6).</summary>
public sealed record UpdateJournalEntryRequest : IValidatableRequest
{
    public DateOnly? Date { get; init; }

    public string? Memo { get; init; }

    public IReadOnlyList<JournalLineRequest?>? Lines { get; init; }

    public int? Version { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.DateRange("date", Date, LedgerContracts.MinDate, LedgerContracts.MaxDate);
        errors.PlainText("memo", Memo, LedgerContracts.MemoMaxLength, required: false, minLength: 0, multiline: true);
        LedgerContracts.ValidateLines(errors, Lines);
        errors.Range("version", Version, 1, int.MaxValue);
    }
}

/// <summary>Posts a draft; <c>version</c> is the one the client read (DATA-6).</summary>
public sealed record PostJournalEntryRequest : IValidatableRequest
{
    public int? Version { get; init; }

    public void Validate(ValidationErrors errors) => errors.Range("version", Version, 1, int.MaxValue);
}

public sealed record JournalLineResponse(
    Guid Id,
    int LineNo,
    Guid AccountId,
    string AccountCode,
    string AccountName,
    decimal Debit,
    decimal Credit,
    string? Description);

public sealed record JournalEntryResponse(
    Guid Id,
    string Number,
    DateOnly Date,
    string? Memo,
    string Status,
    DateTime? PostedAt,
    Guid? ReversalOfId,
    Guid? ReversedById,
    decimal TotalDebit,
    decimal TotalCredit,
    IReadOnlyList<JournalLineResponse> Lines,
    int Version,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>A list row: the entry without its lines, with its total (debit = credit).</summary>
public sealed record JournalEntrySummaryResponse(
    Guid Id,
    string Number,
    DateOnly Date,
    string? Memo,
    string Status,
    DateTime? PostedAt,
    Guid? ReversalOfId,
    Guid? ReversedById,
    decimal Total,
    int Version,
    DateTime CreatedAt,
    DateTime UpdatedAt);

public sealed record TrialBalanceRow(Guid AccountId, string Code, string Name, string Type, bool IsActive, decimal Debit, decimal Credit, decimal Balance);

/// <summary>Posted activity up to <c>asOf</c> (inclusive; all dates when absent); total debit = total credit.</summary>
public sealed record TrialBalanceResponse(
    DateOnly? AsOf,
    IReadOnlyList<TrialBalanceRow> Accounts,
    decimal TotalDebit,
    decimal TotalCredit,
    decimal TotalBalance);
