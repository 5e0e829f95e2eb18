using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Ledger;

/// <summary>Source-generated JSON for the ledger contracts (no reflection on the hot path).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateAccountRequest))]
[JsonSerializable(typeof(UpdateAccountRequest))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(PagedResult<AccountResponse>))]
[JsonSerializable(typeof(AccountBalanceResponse))]
[JsonSerializable(typeof(CreateJournalEntryRequest))]
[JsonSerializable(typeof(UpdateJournalEntryRequest))]
[JsonSerializable(typeof(PostJournalEntryRequest))]
[JsonSerializable(typeof(JournalLineRequest))]
[JsonSerializable(typeof(JournalEntryResponse))]
[JsonSerializable(typeof(JournalEntrySummaryResponse))]
[JsonSerializable(typeof(PagedResult<JournalEntrySummaryResponse>))]
[JsonSerializable(typeof(TrialBalanceResponse))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
