using System.Globalization;
using Bulwark.Erp.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Audit;

/// <summary>
/// LOG-3: <c>verify-audit</c> (the real binary, a separate process) accepts an untouched chain and names
/// the first broken link after a row is edited, deleted or forged directly in the database. Each test
/// restores the row afterwards (tests of a class run one after another; this host serves no requests,
/// so nothing appends meanwhile).
/// </summary>
public abstract class VerifyAuditVerbTests(BulwarkApiFactory api)
{
    private const string Columns = "\"Id\", \"Sequence\", \"TenantId\", \"Time\", \"Type\", \"Outcome\", \"ActorId\", \"ClientIp\", " +
                                   "\"Resource\", \"Action\", \"Reason\", \"TraceId\", \"Data\", \"PreviousHash\", \"Hash\"";

    private Task<long> MaxSequenceAsync() => AuditQueries.WithDbAsync(api, db => db.AuditEvents.MaxAsync(e => e.Sequence));

    private static string Sql(FormattableString sql) => sql.ToString(CultureInfo.InvariantCulture);

    private async Task<AuditVerification> VerifyInProcessAsync()
    {
        using var scope = api.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None);
    }

    /// <summary>Copies row <paramref name="sequence"/> aside, runs the tampering, then puts the original back.</summary>
    private async Task<(int ExitCode, string Output)> TamperAsync(long sequence, string tamper,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        await AuditQueries.ExecuteAsync(api, Sql($"CREATE TABLE audit_backup AS SELECT * FROM audit_events WHERE \"Sequence\" = {sequence}"));
        try
        {
            await AuditQueries.ExecuteAsync(api, tamper);
            return await CliProcess.RunWithAsync(api.Database, settings ?? new Dictionary<string, string?>(), "verify-audit");
        }
        finally
        {
            await AuditQueries.ExecuteAsync(api, Sql($"DELETE FROM audit_events WHERE \"Sequence\" = {sequence}"));
            await AuditQueries.ExecuteAsync(api, "INSERT INTO audit_events SELECT * FROM audit_backup");
            await AuditQueries.ExecuteAsync(api, "DROP TABLE audit_backup");
            Assert.True((await VerifyInProcessAsync()).IsValid, "the test did not restore the chain");
        }
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task VerifyAudit_UntouchedChain_ExitsZeroWithTheCount()
    {
        var count = await AuditQueries.WithDbAsync(api, db => db.AuditEvents.LongCountAsync());
        Assert.True(count > 10, "the seeded demo data should have produced audit events");

        var (exitCode, output) = await CliProcess.RunAsync(api.Database, "verify-audit");
        Assert.True(exitCode == 0, output);
        Assert.Contains($"verify-audit: OK, {count} events verified", output, StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task VerifyAudit_EditedRow_FailsNamingItsSequence()
    {
        var target = await MaxSequenceAsync() / 2;
        // LOG-6: the verb also sends the critical audit.chain.broken alert (retried once after the receiver's 503).
        await using var receiver = await Monitoring.WebhookReceiver.StartAsync();
        var (exitCode, output) = await TamperAsync(target,
            Sql($"UPDATE audit_events SET \"Resource\" = 'Item/forged' WHERE \"Sequence\" = {target}"),
            new Dictionary<string, string?>
            {
                ["Bulwark:Alerts:WebhookUrl"] = receiver.Url.ToString(),
                ["Bulwark:Alerts:RetryDelay"] = "00:00:00.050",
            });
        Assert.Equal(1, exitCode);
        Assert.Contains($"BROKEN at sequence {target}: edited", output, StringComparison.Ordinal);
        // LOG-2: the verb's own log line of the event is out before it exits (the background log writer is flushed).
        Assert.Contains("\"EventType\":\"audit.chain.broken\"", output, StringComparison.Ordinal);
        var delivered = Assert.Single(receiver.Deliveries, d => d.Answered == 200);
        var alert = System.Text.Json.JsonDocument.Parse(delivered.Body).RootElement;
        Assert.Equal("audit.chain.broken", alert.GetProperty("type").GetString());
        Assert.StartsWith($"sequence {target}: edited", alert.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task VerifyAudit_DeletedRow_FailsNamingTheGap()
    {
        var target = await MaxSequenceAsync() / 3;
        var (exitCode, output) = await TamperAsync(target, Sql($"DELETE FROM audit_events WHERE \"Sequence\" = {target}"));
        Assert.Equal(1, exitCode);
        Assert.Contains($"BROKEN at sequence {target}: deleted", output, StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "LOG-3")]
    public async Task VerifyAudit_ForgedRowInserted_FailsNamingIt()
    {
        var tail = await MaxSequenceAsync();
        var forged = tail + 1;
        var id = Guid.NewGuid().ToString().ToUpperInvariant();
        var idExpression = api.Provider == TestProvider.Postgres ? $"CAST('{id}' AS uuid)" : $"'{id}'";
        // A plausible copy of the tail event, with a new id and the next sequence: its link is the tail's own.
        var insert = Sql($"INSERT INTO audit_events ({Columns}) SELECT {idExpression}, \"Sequence\" + 1, \"TenantId\", \"Time\", \"Type\", \"Outcome\", \"ActorId\", \"ClientIp\", \"Resource\", \"Action\", \"Reason\", \"TraceId\", \"Data\", \"PreviousHash\", \"Hash\" FROM audit_events WHERE \"Sequence\" = {tail}");
        // forged does not exist yet: the backup is empty and the restore deletes the forged row.
        var (exitCode, output) = await TamperAsync(forged, insert);
        Assert.Equal(1, exitCode);
        Assert.Contains($"BROKEN at sequence {forged}: inserted", output, StringComparison.Ordinal);
    }
}

public sealed class VerifyAuditVerbSqliteTests(SqliteApiFactory api) : VerifyAuditVerbTests(api), IClassFixture<SqliteApiFactory>;

public sealed class VerifyAuditVerbPostgresTests(PostgresApiFactory api) : VerifyAuditVerbTests(api), IClassFixture<PostgresApiFactory>;
