using System.Globalization;
using Bulwark.Erp.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Audit;

/// <summary>
/// LOG-3 keyed tamper evidence: HMAC checkpoints catch what an unkeyed hash chain cannot — a forgery
/// re-hashed so every link holds, a cut tail, a forged checkpoint. Each test restores what it changed.
/// </summary>
public abstract class AuditCheckpointTests(BulwarkApiFactory api)
{
    private static string Sql(FormattableString sql) => sql.ToString(CultureInfo.InvariantCulture);

    private async Task<AuditVerification> VerifyAsync()
    {
        using var scope = api.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None);
    }

    private async Task<AuditCheckpoint> CheckpointAsync()
    {
        using var scope = api.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().TakeAsync(CancellationToken.None);
        return await AuditQueries.WithDbAsync(api, db => db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).FirstAsync());
    }

    private Task<AuditEvent> TailAsync() =>
        AuditQueries.WithDbAsync(api, db => db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync());

    /// <summary>Keeps the tail row aside, runs the tampering, verifies, then puts the row back.</summary>
    private async Task<AuditVerification> TamperTailAsync(long sequence, string tamper)
    {
        await AuditQueries.ExecuteAsync(api, Sql($"CREATE TABLE audit_tail_backup AS SELECT * FROM audit_events WHERE \"Sequence\" = {sequence}"));
        try
        {
            await AuditQueries.ExecuteAsync(api, tamper);
            return await VerifyAsync();
        }
        finally
        {
            await AuditQueries.ExecuteAsync(api, Sql($"DELETE FROM audit_events WHERE \"Sequence\" = {sequence}"));
            await AuditQueries.ExecuteAsync(api, "INSERT INTO audit_events SELECT * FROM audit_tail_backup");
            await AuditQueries.ExecuteAsync(api, "DROP TABLE audit_tail_backup");
            Assert.True((await VerifyAsync()).IsValid, "the test did not restore the chain");
        }
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task Checkpoint_OfAnUntouchedChain_Verifies_InProcessAndWithTheVerb()
    {
        var checkpoint = await CheckpointAsync();
        Assert.Equal((await TailAsync()).Sequence, checkpoint.Sequence);
        Assert.Equal(64, checkpoint.Mac.Length);

        var result = await VerifyAsync();
        Assert.True(result.IsValid, result.Reason);
        Assert.True(result.Checkpoints >= 1);

        var (exitCode, output) = await CliProcess.RunAsync(api.Database, "verify-audit");
        Assert.True(exitCode == 0, output);
        Assert.Contains("keyed checkpoints", output, StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task RehashedForgery_EveryLinkHolds_ButTheCheckpointNamesIt()
    {
        await CheckpointAsync();
        var tail = await TailAsync();
        // The attacker edits the tail event and recomputes its hash: the unkeyed chain is consistent again.
        tail.Resource = "Item/forged";
        var hash = AuditHash.Compute(tail);
        var result = await TamperTailAsync(tail.Sequence,
            Sql($"UPDATE audit_events SET \"Resource\" = 'Item/forged', \"Hash\" = '{hash}' WHERE \"Sequence\" = {tail.Sequence}"));
        Assert.False(result.IsValid);
        Assert.Equal(tail.Sequence, result.BrokenSequence);
        Assert.StartsWith("rewritten", result.Reason, StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task TruncatedTail_IsDetectedBelowTheLatestCheckpoint()
    {
        await CheckpointAsync();
        var tail = await TailAsync();
        var result = await TamperTailAsync(tail.Sequence, Sql($"DELETE FROM audit_events WHERE \"Sequence\" = {tail.Sequence}"));
        Assert.False(result.IsValid);
        Assert.StartsWith("truncated", result.Reason, StringComparison.Ordinal);

        // The unkeyed chain alone would not see it: every remaining link holds (the verb tests cover links).
        Assert.Equal(tail.Sequence, result.BrokenSequence);
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task ForgedCheckpoint_WithoutTheKey_FailsItsMac()
    {
        var genuine = await CheckpointAsync();
        var id = Guid.NewGuid();
        var idText = api.Provider == TestProvider.Postgres ? $"CAST('{id}' AS uuid)" : $"'{id.ToString().ToUpperInvariant()}'";
        var columns = "\"Id\", \"Sequence\", \"Hash\", \"Tombstones\", \"PurgedThrough\", \"Time\", \"KeyId\", \"Mac\"";
        await AuditQueries.ExecuteAsync(api, Sql(
            $"INSERT INTO audit_checkpoints ({columns}) SELECT {idText}, \"Sequence\", \"Hash\", \"Tombstones\", \"Sequence\", \"Time\", \"KeyId\", \"Mac\" FROM audit_checkpoints WHERE \"Mac\" = '{genuine.Mac}'"));
        try
        {
            var result = await VerifyAsync();
            Assert.False(result.IsValid);
            Assert.StartsWith("forged", result.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await AuditQueries.ExecuteAsync(api, Sql($"DELETE FROM audit_checkpoints WHERE \"Id\" = {idText}"));
        }

        Assert.True((await VerifyAsync()).IsValid);
    }
}

public sealed class AuditCheckpointSqliteTests(SqliteApiFactory api) : AuditCheckpointTests(api), IClassFixture<SqliteApiFactory>;

public sealed class AuditCheckpointPostgresTests(PostgresApiFactory api) : AuditCheckpointTests(api), IClassFixture<PostgresApiFactory>;
