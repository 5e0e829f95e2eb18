using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Bulwark.Api.Tests.Ledger.LedgerTestData;

namespace Bulwark.Api.Tests.Ledger;

/// <summary>Journal entries and the trial balance end to end, run on SQLite and on PostgreSQL.</summary>
public abstract class JournalEntriesTests(BulwarkApiFactory api)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact, Trait("Control", "VAL-6")]
    public async Task List_EverySortDirectionAndStatus_PagesThroughTheTenantsEntriesInOrder()
    {
        // Issue 7: the page is a compiled query per sort, direction and status; each one is checked here.
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 10m, date: "2026-03-02"));
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 20m, post: true, date: "2026-03-01"));
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 30m, date: "2026-03-03"));

        foreach (var status in new[] { "", "draft", "posted" })
        {
            var filter = status.Length == 0 ? "" : "&status=" + status;
            foreach (var sort in new[] { "date", "number", "createdAt" })
            {
                var ascending = await AllEntriesAsync(client, $"sort={sort}{filter}");
                var descending = await AllEntriesAsync(client, $"sort=-{sort}{filter}");
                Assert.NotEmpty(ascending);
                Assert.Equal(EntryIds(ascending).Order(), EntryIds(descending).Order());
                if (status.Length > 0)
                {
                    Assert.All(ascending, e => Assert.Equal(status, e.GetProperty("status").GetString()));
                }
                else
                {
                    Assert.Equal(2, ascending.Select(e => e.GetProperty("status").GetString()).Distinct().Count());
                }

                var keys = ascending.Select(e => e.GetProperty(sort).GetString()!).ToList();
                Assert.Equal(keys.Order(StringComparer.Ordinal), keys);   // ISO dates, UTC times and JE-numbers sort as text
                if (keys.Distinct().Count() == keys.Count)
                {
                    Assert.Equal(EntryIds(ascending).Reverse(), EntryIds(descending));
                }

                using var second = await client.GetAsync($"/api/v1/journal-entries?sort={sort}&page=2&pageSize=2{filter}");
                var page = (await ReadJsonAsync(second)).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString());
                Assert.Equal(EntryIds(ascending).Skip(2).Take(2), page);
            }
        }
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Create_BalancedEntry_Returns201AsDraftWithServerAssignedNumber()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        using var response = await client.PostAsJsonAsync("/api/v1/journal-entries", new
        {
            date = "2026-02-01",
            memo = "Line one\nLine two",
            lines = new object[]
            {
                new { accountId = debit, debit = 70.5m },
                new { accountId = debit, debit = 29.5m, description = "second" },
                new { accountId = credit, credit = 100m },
            },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var entry = await ReadJsonAsync(response);
        var id = entry.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/journal-entries/{id}", response.Headers.Location?.OriginalString);
        Assert.Matches("^JE-[0-9]{6,}$", entry.GetProperty("number").GetString());
        Assert.Equal("draft", entry.GetProperty("status").GetString());
        Assert.Equal("2026-02-01", entry.GetProperty("date").GetString());
        Assert.Equal("Line one\nLine two", entry.GetProperty("memo").GetString());
        Assert.Equal(100m, entry.GetProperty("totalDebit").GetDecimal());
        Assert.Equal(100m, entry.GetProperty("totalCredit").GetDecimal());
        var lines = entry.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], lines.Select(l => l.GetProperty("lineNo").GetInt32()));
        Assert.Equal(29.5m, lines[1].GetProperty("debit").GetDecimal());
        Assert.Equal("second", lines[1].GetProperty("description").GetString());
        Assert.False(entry.TryGetProperty("postedAt", out _));

        using var got = await client.GetAsync($"/api/v1/journal-entries/{id}");
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(3, (await ReadJsonAsync(got)).GetProperty("lines").GetArrayLength());

        using var listed = await client.GetAsync($"/api/v1/journal-entries?accountId={credit}&status=draft&from=2026-02-01&to=2026-02-01&sort=-number");
        var rows = (await ReadJsonAsync(listed)).GetProperty("items").EnumerateArray().ToList();
        var row = Assert.Single(rows);
        Assert.Equal(id, row.GetProperty("id").GetString());
        Assert.Equal(100m, row.GetProperty("total").GetDecimal());

        using var outOfRange = await client.GetAsync($"/api/v1/journal-entries?accountId={credit}&from=2026-02-02");
        Assert.Equal(0, (await ReadJsonAsync(outOfRange)).GetProperty("totalCount").GetInt32());
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Create_UnbalancedEntry_Returns422()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        using var response = await client.PostAsJsonAsync("/api/v1/journal-entries", new
        {
            date = "2026-02-01",
            lines = new object[] { new { accountId = debit, debit = 100m }, new { accountId = credit, credit = 99.99m } },
        });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);

        using var list = await client.GetAsync($"/api/v1/journal-entries?accountId={debit}");
        Assert.Equal(0, (await ReadJsonAsync(list)).GetProperty("totalCount").GetInt32());
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 99.99m));
    }

    [Fact, Trait("Control", "VAL-2")]
    public async Task Create_LineWithBothDebitAndCredit_Returns400NamingTheLine()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        using var both = await client.PostAsJsonAsync("/api/v1/journal-entries", new
        {
            date = "2026-02-01",
            lines = new object[] { new { accountId = debit, debit = 5m, credit = 5m }, new { accountId = credit, credit = 0m } },
        });
        var problem = await ProblemAssert.IsValidationProblemAsync(both, "lines[0].debit", "exactlyOne");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "lines[1].debit");

        using var bad = await client.PostAsJsonAsync("/api/v1/journal-entries", new
        {
            date = "2026-02-01",
            memo = "<script>x</script>",
            lines = new object[]
            {
                new { accountId = debit, debit = 1.001m },
                new { accountId = credit, credit = 2_000_000_000_000m, description = "a<b" },
                new { accountId = Guid.Empty, debit = -1m },
            },
        });
        await ProblemAssert.IsValidationProblemAsync(bad, "memo", "plainText");
        await ProblemAssert.IsValidationProblemAsync(bad, "lines[0].debit", "scale");
        await ProblemAssert.IsValidationProblemAsync(bad, "lines[1].credit", "range");
        await ProblemAssert.IsValidationProblemAsync(bad, "lines[1].description", "plainText");
        await ProblemAssert.IsValidationProblemAsync(bad, "lines[2].accountId", "format");
        await ProblemAssert.IsValidationProblemAsync(bad, "lines[2].debit", "range");

        using var tooFew = await client.PostAsJsonAsync("/api/v1/journal-entries", new { date = "2026-02-01", lines = new object[] { new { accountId = debit, debit = 1m } } });
        await ProblemAssert.IsValidationProblemAsync(tooFew, "lines", "minItems");
        using var missing = await client.PostAsJsonAsync("/api/v1/journal-entries", new { memo = "x" });
        await ProblemAssert.IsValidationProblemAsync(missing, "date", "required");
        await ProblemAssert.IsValidationProblemAsync(missing, "lines", "required");

        await CreateEntryAsync(client, BalancedEntry(debit, credit, 5m));
    }

    [Fact, Trait("Control", "VAL-1")]
    public async Task Create_LineDebitAsString_Returns400NamingItsPath()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        using var response = await client.PostAsync("/api/v1/journal-entries", Json($$"""
            {"date":"2026-02-01","lines":[{"accountId":"{{debit}}","debit":10},{"accountId":"{{credit}}","debit":"10"}]}
            """));
        await ProblemAssert.IsValidationProblemAsync(response, "lines[1].debit", "type");

        using var ok = await client.PostAsync("/api/v1/journal-entries", Json($$"""
            {"date":"2026-02-01","lines":[{"accountId":"{{debit}}","debit":10},{"accountId":"{{credit}}","credit":10}]}
            """));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    [Fact, Trait("Control", "VAL-1")]
    public async Task Create_UnknownPropertyInLine_Returns400NamingItsPath()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        using var response = await client.PostAsync("/api/v1/journal-entries", Json($$"""
            {"date":"2026-02-01","lines":[{"accountId":"{{debit}}","debit":10,"bogus":1},{"accountId":"{{credit}}","credit":10}]}
            """));
        await ProblemAssert.IsValidationProblemAsync(response, "lines[0].bogus", "unknownProperty");

        // Server-owned fields are not bindable either (VAL-3).
        using var status = await client.PostAsync("/api/v1/journal-entries", Json($$"""
            {"date":"2026-02-01","status":"posted","lines":[{"accountId":"{{debit}}","debit":10},{"accountId":"{{credit}}","credit":10}]}
            """));
        await ProblemAssert.IsValidationProblemAsync(status, "status", "unknownProperty");
        using var number = await client.PostAsync("/api/v1/journal-entries", Json($$"""
            {"date":"2026-02-01","number":"JE-999999","lines":[{"accountId":"{{debit}}","debit":10},{"accountId":"{{credit}}","credit":10}]}
            """));
        await ProblemAssert.IsValidationProblemAsync(number, "number", "unknownProperty");

        using var list = await client.GetAsync($"/api/v1/journal-entries?accountId={debit}");
        Assert.Equal(0, (await ReadJsonAsync(list)).GetProperty("totalCount").GetInt32());
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Update_Draft_ReplacesLinesAndStaleVersionIs409()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        var entry = await CreateEntryAsync(client, BalancedEntry(debit, credit, 10m));
        var id = entry.GetProperty("id").GetString();
        var number = entry.GetProperty("number").GetString();

        using var updated = await client.PutAsJsonAsync($"/api/v1/journal-entries/{id}", new
        {
            date = "2026-03-01",
            memo = "Corrected",
            version = 1,
            lines = new object[]
            {
                new { accountId = debit, debit = 40m },
                new { accountId = credit, credit = 15m },
                new { accountId = credit, credit = 25m },
            },
        });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await ReadJsonAsync(updated);
        Assert.Equal(2, after.GetProperty("version").GetInt32());
        Assert.Equal(number, after.GetProperty("number").GetString());
        Assert.Equal("2026-03-01", after.GetProperty("date").GetString());
        Assert.Equal(3, after.GetProperty("lines").GetArrayLength());
        Assert.Equal(40m, after.GetProperty("totalDebit").GetDecimal());

        using var stale = await client.PutAsJsonAsync($"/api/v1/journal-entries/{id}",
            new { date = "2026-03-02", version = 1, lines = new object[] { new { accountId = debit, debit = 1m }, new { accountId = credit, credit = 1m } } });
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Conflict);

        using var unbalanced = await client.PutAsJsonAsync($"/api/v1/journal-entries/{id}",
            new { date = "2026-03-02", version = 2, lines = new object[] { new { accountId = debit, debit = 2m }, new { accountId = credit, credit = 1m } } });
        await ProblemAssert.IsProblemAsync(unbalanced, HttpStatusCode.UnprocessableEntity);

        var stored = await ReadJsonAsync(await client.GetAsync($"/api/v1/journal-entries/{id}"));
        Assert.Equal(40m, stored.GetProperty("totalDebit").GetDecimal());
        Assert.Equal(3, stored.GetProperty("lines").GetArrayLength());
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Update_PostedEntry_Returns409AndLeavesItUnchanged()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        var entry = await CreateEntryAsync(client, BalancedEntry(debit, credit, 10m, post: true));
        var id = entry.GetProperty("id").GetString();
        Assert.Equal("posted", entry.GetProperty("status").GetString());
        Assert.True(entry.TryGetProperty("postedAt", out _));

        using var edit = await client.PutAsJsonAsync($"/api/v1/journal-entries/{id}", new
        {
            date = "2026-03-01",
            version = 1,
            lines = new object[] { new { accountId = debit, debit = 99m }, new { accountId = credit, credit = 99m } },
        });
        await ProblemAssert.IsProblemAsync(edit, HttpStatusCode.Conflict);

        var stored = await ReadJsonAsync(await client.GetAsync($"/api/v1/journal-entries/{id}"));
        Assert.Equal(10m, stored.GetProperty("totalDebit").GetDecimal());
        Assert.Equal(1, stored.GetProperty("version").GetInt32());
        Assert.Equal(10m, (await BalanceAsync(client, debit)).GetProperty("balance").GetDecimal());
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Post_Twice_Returns409()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        var id = (await CreateEntryAsync(client, BalancedEntry(debit, credit, 12.34m))).GetProperty("id").GetString();
        Assert.Equal(0m, (await BalanceAsync(client, debit)).GetProperty("debit").GetDecimal());

        using var missingVersion = await client.PostAsJsonAsync($"/api/v1/journal-entries/{id}/post", new { });
        await ProblemAssert.IsValidationProblemAsync(missingVersion, "version", "required");

        using var posted = await client.PostAsJsonAsync($"/api/v1/journal-entries/{id}/post", new { version = 1 });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var entry = await ReadJsonAsync(posted);
        Assert.Equal("posted", entry.GetProperty("status").GetString());
        Assert.Equal(2, entry.GetProperty("version").GetInt32());
        Assert.Equal(12.34m, (await BalanceAsync(client, debit)).GetProperty("debit").GetDecimal());

        using var again = await client.PostAsJsonAsync($"/api/v1/journal-entries/{id}/post", new { version = 2 });
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Equal(12.34m, (await BalanceAsync(client, debit)).GetProperty("debit").GetDecimal());
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Reverse_PostedEntry_CreatesMirroredPostedEntryAndNetsToZero()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        var original = await CreateEntryAsync(client, BalancedEntry(debit, credit, 250m, post: true));
        var id = original.GetProperty("id").GetString();
        Assert.Equal(250m, (await BalanceAsync(client, debit)).GetProperty("balance").GetDecimal());

        using var reversed = await client.PostAsync($"/api/v1/journal-entries/{id}/reverse", null);
        Assert.Equal(HttpStatusCode.Created, reversed.StatusCode);
        var reversal = await ReadJsonAsync(reversed);
        var reversalId = reversal.GetProperty("id").GetString();
        Assert.NotEqual(id, reversalId);
        Assert.Equal("posted", reversal.GetProperty("status").GetString());
        Assert.Equal(id, reversal.GetProperty("reversalOfId").GetString());
        Assert.NotEqual(original.GetProperty("number").GetString(), reversal.GetProperty("number").GetString());
        var lines = reversal.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(debit, lines[0].GetProperty("accountId").GetString());
        Assert.Equal(0m, lines[0].GetProperty("debit").GetDecimal());
        Assert.Equal(250m, lines[0].GetProperty("credit").GetDecimal());
        Assert.Equal(250m, lines[1].GetProperty("debit").GetDecimal());

        var stored = await ReadJsonAsync(await client.GetAsync($"/api/v1/journal-entries/{id}"));
        Assert.Equal(reversalId, stored.GetProperty("reversedById").GetString());
        Assert.Equal("posted", stored.GetProperty("status").GetString());

        var balance = await BalanceAsync(client, debit);
        Assert.Equal(250m, balance.GetProperty("debit").GetDecimal());
        Assert.Equal(250m, balance.GetProperty("credit").GetDecimal());
        Assert.Equal(0m, balance.GetProperty("balance").GetDecimal());
        Assert.Equal(0m, (await BalanceAsync(client, credit)).GetProperty("balance").GetDecimal());

        using var twice = await client.PostAsync($"/api/v1/journal-entries/{id}/reverse", null);
        await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Conflict);

        var draftId = (await CreateEntryAsync(client, BalancedEntry(debit, credit, 1m))).GetProperty("id").GetString();
        using var draft = await client.PostAsync($"/api/v1/journal-entries/{draftId}/reverse", null);
        await ProblemAssert.IsProblemAsync(draft, HttpStatusCode.Conflict);
        Assert.Equal(0m, (await BalanceAsync(client, debit)).GetProperty("balance").GetDecimal());
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task OtherTenantsEntry_IsNotFoundForEveryOperation()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        var (rivalDebit, rivalCredit) = await CreateAccountPairAsync(rival);
        var rivalDraft = (await CreateEntryAsync(rival, BalancedEntry(rivalDebit, rivalCredit, 5m))).GetProperty("id").GetString();
        var rivalPosted = (await CreateEntryAsync(rival, BalancedEntry(rivalDebit, rivalCredit, 5m, post: true))).GetProperty("id").GetString();

        using var demo = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(demo);
        await ProblemAssert.IsProblemAsync(await demo.GetAsync($"/api/v1/journal-entries/{rivalDraft}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await demo.PutAsJsonAsync($"/api/v1/journal-entries/{rivalDraft}", new
        {
            date = "2026-01-01",
            version = 1,
            lines = new object[] { new { accountId = debit, debit = 1m }, new { accountId = credit, credit = 1m } },
        }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await demo.PostAsJsonAsync($"/api/v1/journal-entries/{rivalDraft}/post", new { version = 1 }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await demo.PostAsync($"/api/v1/journal-entries/{rivalPosted}/reverse", null), HttpStatusCode.NotFound);

        var draft = await ReadJsonAsync(await rival.GetAsync($"/api/v1/journal-entries/{rivalDraft}"));
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Equal(1, draft.GetProperty("version").GetInt32());
        var posted = await ReadJsonAsync(await rival.GetAsync($"/api/v1/journal-entries/{rivalPosted}"));
        Assert.False(posted.TryGetProperty("reversedById", out _));
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task Create_WithOtherTenantsOrInactiveAccount_Returns422NamingTheLine()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        var rivalAccount = await CreateAccountAsync(rival);
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);

        using var foreign = await client.PostAsJsonAsync("/api/v1/journal-entries", BalancedEntry(debit, rivalAccount, 10m));
        var problem = await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.UnprocessableEntity);
        ProblemAssert.NamesField(problem, "lines[1].accountId");

        using var unknown = await client.PostAsJsonAsync("/api/v1/journal-entries", BalancedEntry(Guid.NewGuid().ToString(), credit, 10m));
        problem = await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.UnprocessableEntity);
        ProblemAssert.NamesField(problem, "lines[0].accountId");

        var inactive = await CreateAccountAsync(client, "expense");
        using var deactivated = await client.PutAsJsonAsync($"/api/v1/accounts/{inactive}", new { name = "Closed", isActive = false, version = 1 });
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        using var closed = await client.PostAsJsonAsync("/api/v1/journal-entries", BalancedEntry(inactive, credit, 10m));
        problem = await ProblemAssert.IsProblemAsync(closed, HttpStatusCode.UnprocessableEntity);
        ProblemAssert.NamesField(problem, "lines[0].accountId");

        await CreateEntryAsync(client, BalancedEntry(debit, credit, 10m, post: true));
        Assert.Equal(0m, (await BalanceAsync(rival, rivalAccount)).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task TrialBalance_TotalsAreEqualAndAsOfExcludesLaterEntries()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 300m, post: true, date: "2025-06-30"));
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 45.5m, post: true, date: "2025-07-01"));
        await CreateEntryAsync(client, BalancedEntry(debit, credit, 1000m, post: false, date: "2025-06-01"));

        using var response = await client.GetAsync("/api/v1/ledger/trial-balance");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await ReadJsonAsync(response);
        var totalDebit = report.GetProperty("totalDebit").GetDecimal();
        Assert.True(totalDebit > 0m);
        Assert.Equal(totalDebit, report.GetProperty("totalCredit").GetDecimal());
        Assert.Equal(0m, report.GetProperty("totalBalance").GetDecimal());
        var rows = report.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal(totalDebit, rows.Sum(r => r.GetProperty("debit").GetDecimal()));
        var row = Assert.Single(rows, r => r.GetProperty("accountId").GetString() == debit);
        Assert.Equal(345.5m, row.GetProperty("debit").GetDecimal());
        Assert.Equal(345.5m, row.GetProperty("balance").GetDecimal());
        Assert.Equal("asset", row.GetProperty("type").GetString());

        using var asOf = await client.GetAsync("/api/v1/ledger/trial-balance?asOf=2025-06-30");
        var earlier = await ReadJsonAsync(asOf);
        Assert.Equal("2025-06-30", earlier.GetProperty("asOf").GetString());
        Assert.Equal(earlier.GetProperty("totalDebit").GetDecimal(), earlier.GetProperty("totalCredit").GetDecimal());
        var earlierRow = Assert.Single(earlier.GetProperty("accounts").EnumerateArray(), r => r.GetProperty("accountId").GetString() == credit);
        Assert.Equal(300m, earlierRow.GetProperty("credit").GetDecimal());
        Assert.Equal(-300m, earlierRow.GetProperty("balance").GetDecimal());

        using var badDate = await client.GetAsync("/api/v1/ledger/trial-balance?asOf=yesterday");
        await ProblemAssert.IsValidationProblemAsync(badDate, "asOf", "type");
        using var unknown = await client.GetAsync("/api/v1/ledger/trial-balance?tenant=rival");
        await ProblemAssert.IsValidationProblemAsync(unknown, "tenant", "unknownParameter");
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task TrialBalance_ShowsOnlyOwnTenant()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        var (rivalDebit, rivalCredit) = await CreateAccountPairAsync(rival);
        await CreateEntryAsync(rival, BalancedEntry(rivalDebit, rivalCredit, 7m, post: true));

        using var demo = await api.ClientForAsync("finance");
        var report = await ReadJsonAsync(await demo.GetAsync("/api/v1/ledger/trial-balance"));
        var ids = report.GetProperty("accounts").EnumerateArray().Select(r => r.GetProperty("accountId").GetString()).ToList();
        Assert.NotEmpty(ids); // the demo seed has posted entries
        Assert.DoesNotContain(rivalDebit, ids);
        Assert.DoesNotContain(rivalCredit, ids);

        var own = await ReadJsonAsync(await rival.GetAsync("/api/v1/ledger/trial-balance"));
        Assert.Contains(own.GetProperty("accounts").EnumerateArray(), r => r.GetProperty("accountId").GetString() == rivalDebit);
    }

    [Fact]
    public async Task Seed_HasPostedDraftAndReversalEntries()
    {
        using var client = await api.ClientForAsync("auditor");
        var entries = (await ReadJsonAsync(await client.GetAsync("/api/v1/journal-entries?sort=number&pageSize=100")))
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("status").GetString() == "draft");
        var reversal = Assert.Single(entries, e => e.TryGetProperty("memo", out var memo) && memo.GetString() == "Reversal of JE-000003");
        var original = Assert.Single(entries, e => e.GetProperty("number").GetString() == "JE-000003");
        Assert.Equal(original.GetProperty("id").GetString(), reversal.GetProperty("reversalOfId").GetString());
        Assert.Equal(reversal.GetProperty("id").GetString(), original.GetProperty("reversedById").GetString());
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Create_TwentyConcurrently_AllSucceedWithDistinctNumbers()
    {
        using var client = await api.ClientForAsync("finance");
        var (debit, credit) = await CreateAccountPairAsync(client);
        var responses = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            client.PostAsJsonAsync("/api/v1/journal-entries", BalancedEntry(debit, credit, i, post: i % 2 == 0))));
        try
        {
            var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
            for (var i = 0; i < responses.Length; i++)
            {
                Assert.True(responses[i].StatusCode == HttpStatusCode.Created, $"{(int)responses[i].StatusCode}: {bodies[i]}");
            }

            var numbers = bodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("number").GetString()).ToList();
            Assert.Equal(20, numbers.Distinct().Count());
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        using var list = await client.GetAsync($"/api/v1/journal-entries?accountId={debit}&pageSize=100");
        Assert.Equal(20, (await ReadJsonAsync(list)).GetProperty("totalCount").GetInt32());
        // Posted: 2 + 4 + … + 20 = 110.
        Assert.Equal(110m, (await BalanceAsync(client, debit)).GetProperty("balance").GetDecimal());
    }

    private static IEnumerable<string?> EntryIds(List<JsonElement> entries) => entries.Select(e => e.GetProperty("id").GetString());

    /// <summary>Every entry of the list, page by page (100 at a time).</summary>
    private static async Task<List<JsonElement>> AllEntriesAsync(HttpClient client, string query)
    {
        var entries = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            using var response = await client.GetAsync($"/api/v1/journal-entries?{query}&page={page}&pageSize=100");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await ReadJsonAsync(response);
            entries.AddRange(json.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            if (entries.Count >= json.GetProperty("totalCount").GetInt32() || page > 50)
            {
                return entries;
            }
        }
    }
}

public sealed class JournalEntriesSqliteTests(SqliteApiFactory api) : JournalEntriesTests(api), IClassFixture<SqliteApiFactory>;

public sealed class JournalEntriesPostgresTests(PostgresApiFactory api) : JournalEntriesTests(api), IClassFixture<PostgresApiFactory>;
