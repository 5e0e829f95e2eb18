using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Api.Tests.Audit;
using Bulwark.Api.Tests.Crypto;

namespace Bulwark.Api.Tests.Backup;

/// <summary>
/// DATA-4 with the real binary on SQLite and PostgreSQL: <c>backup</c> writes an encrypted file (no clear value
/// inside); <c>restore</c> into an empty database (with another master key) reproduces every row — same counts,
/// same checksum, the audit hash chain still verifies — and refuses a flipped byte, a truncated file, a wrong
/// key or a non-empty target, restoring nothing.
/// </summary>
[Trait("Control", "DATA-4")]
public abstract partial class BackupRestoreTests(BulwarkApiFactory api)
{
    [Fact]
    public async Task Backup_ThenRestoreIntoAnEmptyDatabase_IsExact_AndBadFilesAreRefused()
    {
        using var hr = await api.ClientForAsync("hr");
        var values = SensitiveValues.NewUnique();
        await SensitiveEmployees.CreateAsync(hr, values);
        string sessionRefreshToken;
        using (var anonymous = api.CreateClient())
        using (var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login",
                   new { tenant = "demo", email = "finance@demo.example", password = BulwarkApiFactory.DemoPassword }))
        {
            sessionRefreshToken = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString()!;
        }

        var folder = Directory.CreateTempSubdirectory("bulwark-backup-").FullName;
        var file = Path.Combine(folder, "full.bwk");

        var (backupExit, backup) = await CliProcess.RunAsync(api.Database, "backup", "--out", file);
        Assert.True(backupExit == 0, backup);
        var written = Summary().Match(backup);
        Assert.True(written.Success, backup);
        var bytes = await File.ReadAllBytesAsync(file);
        var text = Encoding.Latin1.GetString(bytes);
        foreach (var clear in new[] { values.NationalId, values.Iban, values.SalaryDigits, values.Number, "demo.example" })
        {
            Assert.DoesNotContain(clear, text, StringComparison.Ordinal);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var sourceKey = new Dictionary<string, string?> { ["Bulwark:Backup:Key"] = api.Database.BackupKey };

        // Refused: a flipped byte, a truncated file, a wrong key — and the target stays empty (restorable afterwards).
        await using var target = await TestDatabase.CreateAsync(api.Provider);
        var flipped = Path.Combine(folder, "flipped.bwk");
        var copy = (byte[])bytes.Clone();
        copy[copy.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(flipped, copy);
        var (flippedExit, flippedOutput) = await CliProcess.RunAsync(target, sourceKey, "restore", "--in", flipped);
        Assert.Equal(1, flippedExit);
        Assert.Contains("restore: refused: the file is altered", flippedOutput, StringComparison.Ordinal);

        var truncated = Path.Combine(folder, "truncated.bwk");
        await File.WriteAllBytesAsync(truncated, bytes[..^100]);
        var (truncatedExit, truncatedOutput) = await CliProcess.RunAsync(target, sourceKey, "restore", "--in", truncated);
        Assert.Equal(1, truncatedExit);
        Assert.Contains("authentication failed", truncatedOutput, StringComparison.Ordinal);

        var (wrongExit, wrongOutput) = await CliProcess.RunAsync(target,
            new Dictionary<string, string?> { ["Bulwark:Backup:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            "restore", "--in", file);
        Assert.Equal(1, wrongExit);
        Assert.Contains("restore: refused: wrong backup key", wrongOutput, StringComparison.Ordinal);

        // The good file: exact round trip into the empty database (whose master key differs from the source's).
        var (restoreExit, restore) = await CliProcess.RunAsync(target, sourceKey, "restore", "--in", file);
        Assert.True(restoreExit == 0, restore);
        var restored = Summary().Match(restore);
        Assert.True(restored.Success, restore);
        Assert.Equal(written.Groups["rows"].Value, restored.Groups["rows"].Value);
        Assert.Equal(written.Groups["tables"].Value, restored.Groups["tables"].Value);
        Assert.Equal(written.Groups["checksum"].Value, restored.Groups["checksum"].Value);

        var (sourceAudit, sourceAuditOutput) = await CliProcess.RunAsync(api.Database, "verify-audit");
        var (targetAudit, targetAuditOutput) = await CliProcess.RunAsync(target, "verify-audit");
        Assert.True(sourceAudit == 0 && targetAudit == 0, sourceAuditOutput + targetAuditOutput);
        Assert.Equal(Regex.Match(sourceAuditOutput, @"OK, \d+ events").Value, Regex.Match(targetAuditOutput, @"OK, \d+ events").Value);

        // The restored sensitive values are sealed again under the target's own master key, and still decrypt.
        var (backupAgainExit, backupAgain) = await CliProcess.RunAsync(target, "backup", "--out", Path.Combine(folder, "again.bwk"));
        Assert.True(backupAgainExit == 0, backupAgain);
        Assert.Equal(written.Groups["checksum"].Value, Summary().Match(backupAgain).Groups["checksum"].Value);

        var (againExit, againOutput) = await CliProcess.RunAsync(target, sourceKey, "restore", "--in", file);
        Assert.Equal(1, againExit);
        Assert.Contains("not empty", againOutput, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);

        // AUTH-4: key material is not in the backup (it is sealed under the source's master key): the restored
        // deployment starts, makes its own signing key, signs in, and a session from before the backup refreshes.
        var settings = target.Settings();
        RelaxedRateLimits.AddTo(settings);
        await using var restoredApi = await ApiProcess.StartAsync(settings);
        using var client = restoredApi.CreateClient();
        using var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = sessionRefreshToken });
        Assert.True(refreshed.StatusCode == System.Net.HttpStatusCode.OK, await refreshed.Content.ReadAsStringAsync());
        var access = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        using var items = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items");
        items.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.SendAsync(items)).StatusCode);
        using var signIn = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = "hr@demo.example", password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(System.Net.HttpStatusCode.OK, signIn.StatusCode);

        // Every tenant's business rows came across (on PostgreSQL row-level security must not have hidden them from
        // the backup): the restored deployment lists the same employees as the source.
        var hrToken = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        using var restoredList = new HttpRequestMessage(HttpMethod.Get, "/api/v1/employees?pageSize=100");
        restoredList.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", hrToken);
        var restoredEmployees = await (await client.SendAsync(restoredList)).Content.ReadFromJsonAsync<JsonElement>();
        var sourceEmployees = await hr.GetFromJsonAsync<JsonElement>("/api/v1/employees?pageSize=100");
        Assert.True(sourceEmployees.GetProperty("items").GetArrayLength() > 8);
        Assert.Equal(sourceEmployees.GetProperty("items").GetArrayLength(), restoredEmployees.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Backup_OfOneTenant_HoldsFewerRowsThanTheWholeDatabase()
    {
        var folder = Directory.CreateTempSubdirectory("bulwark-backup-").FullName;
        var (allExit, all) = await CliProcess.RunAsync(api.Database, "backup", "--out", Path.Combine(folder, "all.bwk"));
        var (oneExit, one) = await CliProcess.RunAsync(api.Database, "backup", "--out", Path.Combine(folder, "demo.bwk"), "--tenant", "demo");
        Assert.True(allExit == 0 && oneExit == 0, all + one);
        var allRows = int.Parse(Summary().Match(all).Groups["rows"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var oneRows = int.Parse(Summary().Match(one).Groups["rows"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(oneRows, 10, allRows - 10);

        var (unknownExit, unknown) = await CliProcess.RunAsync(api.Database, "backup", "--out", Path.Combine(folder, "x.bwk"), "--tenant", "nope");
        Assert.Equal(1, unknownExit);
        Assert.Contains("no tenant 'nope'", unknown, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "x.bwk")));   // no empty file left behind
        var (existsExit, exists) = await CliProcess.RunAsync(api.Database, "backup", "--out", Path.Combine(folder, "all.bwk"));
        Assert.Equal(1, existsExit);
        Assert.Contains("already exists", exists, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [GeneratedRegex(@"(?<rows>\d+) rows in (?<tables>\d+) tables .*checksum (?<checksum>[0-9a-f]{64})")]
    private static partial Regex Summary();
}

public sealed class BackupRestoreSqliteTests(SqliteApiFactory api) : BackupRestoreTests(api), IClassFixture<SqliteApiFactory>;

public sealed class BackupRestorePostgresTests(PostgresApiFactory api) : BackupRestoreTests(api), IClassFixture<PostgresApiFactory>
{
    /// <summary>
    /// DATA-3: on the application role's connection alone, row-level security would show a backup no tenant's rows
    /// (an empty backup that looks fine); the cross-tenant verbs refuse instead and name the setting.
    /// </summary>
    [Theory]
    [InlineData("backup", "--out", "refused.bwk")]
    [InlineData("rotate-data-keys")]
    [InlineData("purge-audit")]
    public async Task CrossTenantVerbs_OnTheApplicationRoleAlone_AreRefused(params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var folder = Directory.CreateTempSubdirectory("bulwark-backup-").FullName;
        var appOnly = new Dictionary<string, string?> { ["Bulwark:Database:MigrationConnectionString"] = "" };
        var (exit, output) = await CliProcess.RunAsync(api.Database, appOnly,
            [.. args.Select(a => a.EndsWith(".bwk", StringComparison.Ordinal) ? Path.Combine(folder, a) : a)]);
        Assert.True(exit == 2, output);
        Assert.Contains($"{args[0]}: refused:", output, StringComparison.Ordinal);
        Assert.Contains("Bulwark:Database:MigrationConnectionString", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "refused.bwk")));
        Directory.Delete(folder, recursive: true);
    }
}
