using Bulwark.Api.Tests.Audit;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Tests.Crypto;

/// <summary>
/// DATA-1: <c>rotate-data-keys</c> (the real binary, a separate process, while the host keeps serving)
/// re-encrypts in batches; interrupted after one batch it reports what is left and a rerun finishes; every
/// value is then under the new key id and still reads back exactly.
/// </summary>
[Trait("Control", "DATA-1")]
public abstract class RotateDataKeysTests(BulwarkApiFactory api)
{
    [Fact]
    public async Task Rotation_InterruptedThenResumed_LeavesEveryValueReadableUnderTheNewKeyId()
    {
        using var hr = await api.ClientForAsync("hr");
        var created = new List<(string Id, SensitiveValues Values)>();
        for (var i = 0; i < 3; i++)
        {
            var values = SensitiveValues.NewUnique();
            created.Add((await SensitiveEmployees.CreateAsync(hr, values), values));
        }

        var total = await CountAsync(keyId: null);
        Assert.Equal(total, await CountAsync(keyId: 1));
        var toKey2 = new Dictionary<string, string?> { ["Bulwark:Crypto:ActiveKeyId"] = "2" };

        var (interruptedExit, interrupted) = await CliProcess.RunAsync(api.Database, toKey2,
            "rotate-data-keys", "--batch-size", "2", "--max-batches", "1");
        Assert.True(interruptedExit == 1, interrupted);
        Assert.Contains($"2 rows re-encrypted under key id 2 in 1 batches, {total - 2} remaining", interrupted, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(keyId: 2));

        // Meanwhile the host (still on key id 1) keeps serving reads of both generations, and writes.
        foreach (var (id, values) in created)
        {
            await SensitiveEmployees.AssertReadableAsync(hr, id, values);
        }

        var late = SensitiveValues.NewUnique();
        created.Add((await SensitiveEmployees.CreateAsync(hr, late), late));

        var (resumedExit, resumed) = await CliProcess.RunAsync(api.Database, toKey2, "rotate-data-keys", "--batch-size", "2");
        Assert.True(resumedExit == 0, resumed);
        Assert.Contains($"{total + 1 - 2} rows re-encrypted under key id 2", resumed, StringComparison.Ordinal);
        Assert.Contains(", 0 remaining", resumed, StringComparison.Ordinal);
        Assert.Equal(total + 1, await CountAsync(keyId: 2));

        foreach (var (id, values) in created)
        {
            await SensitiveEmployees.AssertReadableAsync(hr, id, values);
            foreach (var column in new[] { "NationalId", "Iban", "SalaryCents" })
            {
                Assert.StartsWith("bwk1:2:", await SensitiveEmployees.StoredAsync(api, values.Number, column), StringComparison.Ordinal);
            }
        }

        // Seeded employees of every tenant were rotated too and still decrypt.
        using var rivalHr = await api.ClientForAsync("hr", "rival");
        using var list = await rivalHr.GetAsync("/api/v1/employees?pageSize=100");
        Assert.Equal(System.Net.HttpStatusCode.OK, list.StatusCode);

        var (againExit, again) = await CliProcess.RunAsync(api.Database, toKey2, "rotate-data-keys");
        Assert.True(againExit == 0, again);
        Assert.Contains("0 rows re-encrypted", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_BadBatchSize_IsRefusedWithoutTouchingData()
    {
        var before = await CountAsync(keyId: 1);
        var (exit, output) = await CliProcess.RunAsync(api.Database, "rotate-data-keys", "--batch-size", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--batch-size takes a whole number", output, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(keyId: 1));
    }

    /// <summary>Rows with encrypted columns (employees, and users for their TOTP secret), all or under <paramref name="keyId"/>.</summary>
    private Task<int> CountAsync(int? keyId) => AuditQueries.WithDbAsync(api, async db => keyId is null
        ? await db.Employees.IgnoreQueryFilters().CountAsync() + await db.Users.IgnoreQueryFilters().CountAsync()
        : await db.Employees.IgnoreQueryFilters().CountAsync(e => EF.Property<int?>(e, "DataKeyId") == keyId)
          + await db.Users.IgnoreQueryFilters().CountAsync(u => EF.Property<int?>(u, "DataKeyId") == keyId));
}

public sealed class RotateDataKeysSqliteTests(SqliteApiFactory api) : RotateDataKeysTests(api), IClassFixture<SqliteApiFactory>;

public sealed class RotateDataKeysPostgresTests(PostgresApiFactory api) : RotateDataKeysTests(api), IClassFixture<PostgresApiFactory>;
