using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Api.Tests.Ledger;

/// <summary>Fresh ledger records for one test (unique codes, so tests never share balances).</summary>
internal static class LedgerTestData
{
    public static string UniqueCode(string prefix = "T") => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task<string> CreateAccountAsync(HttpClient client, string type = "asset", string? code = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", new { code = code ?? UniqueCode("A"), name = "Test " + type, type });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"account create failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Two fresh accounts: a debit side (asset) and a credit side (revenue).</summary>
    public static async Task<(string Debit, string Credit)> CreateAccountPairAsync(HttpClient client) =>
        (await CreateAccountAsync(client, "asset"), await CreateAccountAsync(client, "revenue"));

    public static object BalancedEntry(string debitAccount, string creditAccount, decimal amount, bool post = false, string date = "2026-01-15") => new
    {
        date,
        memo = "Test entry",
        post,
        lines = new object[]
        {
            new { accountId = debitAccount, debit = amount, description = "debit side" },
            new { accountId = creditAccount, credit = amount },
        },
    };

    public static async Task<JsonElement> CreateEntryAsync(HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/journal-entries", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"entry create failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<JsonElement> BalanceAsync(HttpClient client, string accountId)
    {
        using var response = await client.GetAsync($"/api/v1/accounts/{accountId}/balance");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }
}
