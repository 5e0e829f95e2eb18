using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bulwark.Api.Tests.Crypto;

/// <summary>
/// DATA-1 end to end on SQLite and PostgreSQL: sensitive employee fields never reach the database in clear
/// (the SQLite file and its WAL, a pg_dump and a direct query are searched), values round-trip through the
/// API, exact lookup by national id works through the blind index (for permitted callers only, per tenant),
/// and an altered ciphertext is detected: a generic 500 that leaks nothing, plus a security event.
/// </summary>
[Trait("Control", "DATA-1")]
public abstract class FieldEncryptionTests(BulwarkApiFactory api)
{
    [Fact]
    public async Task SensitiveFields_AtRest_AreNeverInClear_AndRoundTrip()
    {
        using var hr = await api.ClientForAsync("hr");
        var values = SensitiveValues.NewUnique();
        var id = await SensitiveEmployees.CreateAsync(hr, values);
        await SensitiveEmployees.AssertReadableAsync(hr, id, values);

        foreach (var column in new[] { "NationalId", "Iban", "SalaryCents" })
        {
            var stored = await SensitiveEmployees.StoredAsync(api, values.Number, column);
            Assert.StartsWith("bwk1:1:", stored, StringComparison.Ordinal);
            AssertNoClearValue(stored!, values);
        }

        Assert.Equal(1, await SensitiveEmployees.StoredKeyIdAsync(api, values.Number));
        var everything = api.Provider == TestProvider.Sqlite ? SqliteFilesText() : await PgDumpAsync();
        Assert.Contains(values.Number, everything, StringComparison.Ordinal);   // the dump really holds the row
        AssertNoClearValue(everything, values);
    }

    [Fact]
    public async Task NationalIdFilter_FindsExactlyThatEmployee_OnlyInTheCallersTenant()
    {
        using var hr = await api.ClientForAsync("hr");
        var values = SensitiveValues.NewUnique();
        var id = await SensitiveEmployees.CreateAsync(hr, values);
        await SensitiveEmployees.CreateAsync(hr, SensitiveValues.NewUnique());

        var found = await ListAsync(hr, "nationalId=" + values.NationalId);
        Assert.Equal(id, Assert.Single(found).GetProperty("id").GetString());
        Assert.Equal(values.Iban, found[0].GetProperty("iban").GetString());
        Assert.Empty(await ListAsync(hr, "nationalId=" + values.NationalId + "0"));

        // AZ-4: the same national id in another tenant indexes differently; each tenant finds only its own.
        using var rivalHr = await api.ClientForAsync("hr", "rival");
        Assert.Empty(await ListAsync(rivalHr, "nationalId=" + values.NationalId));
        var rivalId = await SensitiveEmployees.CreateAsync(rivalHr, values with { Number = "E-R" + values.Number[2..] });
        Assert.Equal(rivalId, Assert.Single(await ListAsync(rivalHr, "nationalId=" + values.NationalId)).GetProperty("id").GetString());
        Assert.Equal(id, Assert.Single(await ListAsync(hr, "nationalId=" + values.NationalId)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task NationalIdFilter_CallerWithoutSensitiveAccess_Is403_WhileOtherFiltersStillWork()
    {
        using var hr = await api.ClientForAsync("hr");
        var values = SensitiveValues.NewUnique();
        await SensitiveEmployees.CreateAsync(hr, values);

        // AZ-2/AZ-5: the auditor may list employees but not read their sensitive fields.
        using var finance = await api.ClientForAsync("auditor");
        using var denied = await finance.GetAsync("/api/v1/employees?nationalId=" + values.NationalId);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("application/problem+json", denied.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(values.Number, await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.NotEmpty(await ListAsync(finance, "department=Crypto"));
    }

    [Fact]
    public async Task TamperedCiphertext_IsDetected_Generic500WithoutLeak_AndASecurityEvent()
    {
        using var hr = await api.ClientForAsync("hr");
        var values = SensitiveValues.NewUnique();
        var id = await SensitiveEmployees.CreateAsync(hr, values);
        var stored = (await SensitiveEmployees.StoredAsync(api, values.Number, "Iban"))!;
        var chars = stored.ToCharArray();
        chars[^8] = chars[^8] == 'A' ? 'B' : 'A';
        await SensitiveEmployees.OverwriteAsync(api, values.Number, "Iban", new string(chars));

        using var response = await hr.GetAsync($"/api/v1/employees/{id}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        foreach (var leak in new[] { "bwk1", "Cryptographic", "Integrity", "Tag", "employee.iban", values.NationalId, values.Number })
        {
            Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
        }

        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == "data.integrity.failed" && e.Reason == "employee.iban"));

        // A ciphertext moved from another column (its purpose is bound in) is refused the same way.
        var nationalId = (await SensitiveEmployees.StoredAsync(api, values.Number, "NationalId"))!;
        await SensitiveEmployees.OverwriteAsync(api, values.Number, "Iban", nationalId);
        using var moved = await hr.GetAsync($"/api/v1/employees/{id}");
        Assert.Equal(HttpStatusCode.InternalServerError, moved.StatusCode);

        // The legitimate path still works for other records, and the record is readable again once restored.
        await SensitiveEmployees.OverwriteAsync(api, values.Number, "Iban", stored);
        await SensitiveEmployees.AssertReadableAsync(hr, id, values);
    }

    private static void AssertNoClearValue(string text, SensitiveValues values)
    {
        Assert.DoesNotContain(values.NationalId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(values.Iban, text, StringComparison.Ordinal);
        Assert.DoesNotContain(values.SalaryDigits, text, StringComparison.Ordinal);
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync("/api/v1/employees?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"list failed: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().ToList();
    }

    /// <summary>Every byte of the SQLite database, its WAL and shared-memory file (read while the host has them open).</summary>
    private string SqliteFilesText()
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(api.Database.DataDirectory, "bulwark.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            text.Append(Encoding.Latin1.GetString(copy.ToArray()));
        }

        Assert.Contains("bulwark.db-wal", Directory.GetFiles(api.Database.DataDirectory).Select(Path.GetFileName));
        return text.ToString();
    }

    private async Task<string> PgDumpAsync()
    {
        var pgDump = new[] { "/usr/bin/pg_dump" }
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Order().Select(d => Path.Combine(d, "bin", "pg_dump"))
                : [])
            .Last(File.Exists);
        var connection = new NpgsqlConnectionStringBuilder(api.Database.ConnectionString);
        var info = new ProcessStartInfo(pgDump) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--no-owner");
        info.ArgumentList.Add("--host=" + connection.Host);
        info.ArgumentList.Add("--port=" + connection.Port);
        info.ArgumentList.Add("--username=" + connection.Username);
        info.ArgumentList.Add(connection.Database!);
        info.Environment["PGPASSWORD"] = connection.Password;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, await error);
        return await output;
    }
}

public sealed class FieldEncryptionSqliteTests(SqliteApiFactory api) : FieldEncryptionTests(api), IClassFixture<SqliteApiFactory>;

public sealed class FieldEncryptionPostgresTests(PostgresApiFactory api) : FieldEncryptionTests(api), IClassFixture<PostgresApiFactory>;
