using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Erp.Audit;
using Bulwark.Security.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Audit;

/// <summary>
/// LOG-5 retention on a clock moved forward: security events past 90 d become tombstones, everything
/// past 1 y is cut behind a keyed anchor, the purge is itself an audit event, and verify-audit stays
/// green — while a deleted event passed off as purged, or a cut below the anchor, is still caught.
/// One test: its steps build on each other's store.
/// </summary>
public abstract class AuditRetentionTests(BulwarkApiFactory api)
{
    private static string Sql(FormattableString sql) => sql.ToString(CultureInfo.InvariantCulture);

    private async Task<AuditVerification> VerifyAsync()
    {
        using var scope = api.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None);
    }

    private async Task<AuditPurge> PurgeAsync(TimeSpan ahead)
    {
        using var scope = api.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditRetention>().PurgeAsync(DateTimeOffset.UtcNow + ahead, CancellationToken.None);
    }

    private async Task<AuditVerification> WithEventMovedAsync(long sequence, string tamper, string restore)
    {
        await AuditQueries.ExecuteAsync(api, Sql($"CREATE TABLE audit_retention_backup AS SELECT * FROM audit_events WHERE \"Sequence\" = {sequence}"));
        try
        {
            await AuditQueries.ExecuteAsync(api, tamper);
            return await VerifyAsync();
        }
        finally
        {
            await AuditQueries.ExecuteAsync(api, restore);
            await AuditQueries.ExecuteAsync(api, Sql($"DELETE FROM audit_events WHERE \"Sequence\" = {sequence}"));
            await AuditQueries.ExecuteAsync(api, "INSERT INTO audit_events SELECT * FROM audit_retention_backup");
            await AuditQueries.ExecuteAsync(api, "DROP TABLE audit_retention_backup");
            var after = await VerifyAsync();
            Assert.True(after.IsValid, "the test did not restore the chain: " + after.Reason);
        }
    }

    [Fact, Trait("Control", "LOG-5")]
    public async Task Retention_PurgesOldEvents_AuditsThePurge_AndTheChainStaysVerifiable()
    {
        using (var anonymous = api.CreateClient())
        {
            using var failed = await anonymous.PostAsJsonAsync("/api/v1/auth/login",
                new { tenant = "demo", email = "hr@demo.example", password = "wrong-password-456" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var admin = await api.ClientForAsync("admin");
        using var created = await admin.PostAsJsonAsync("/api/v1/items", new { sku = "R-" + Guid.NewGuid().ToString("N")[..8], name = "Kept", unit = "pcs", unitCost = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var itemId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.LoginFailed));
        var item = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Resource == "Item/" + itemId));
        // The newest link is a security event, which the first purge turns into a tombstone: the next append (the purge's
        // own event) must continue after it, not reuse its place.
        using (var anonymous = api.CreateClient())
        {
            using var failed = await anonymous.PostAsJsonAsync("/api/v1/auth/login",
                new { tenant = "demo", email = "inventory@demo.example", password = "wrong-password-789" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == SecurityEventTypes.LoginFailed && e.Sequence > item.Sequence));
        using (var scope = api.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().TakeAsync(CancellationToken.None);
        }

        // 100 days on: security events are past 90 d, record changes are kept.
        var first = await PurgeAsync(TimeSpan.FromDays(100));
        Assert.True(first.Tombstoned > 0);
        Assert.Equal(0, first.PrefixRemoved);
        Assert.False(await AuditQueries.WithDbAsync(api, db => db.AuditEvents.AnyAsync(e => e.Type == SecurityEventTypes.LoginFailed)));
        Assert.True(await AuditQueries.WithDbAsync(api, db => db.AuditEvents.AnyAsync(e => e.Id == item.Id)));
        var purgeEvent = await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == AuditRetention.PurgedType));
        Assert.Equal(first.Tombstoned, JsonDocument.Parse(purgeEvent.Data!).RootElement.GetProperty("tombstoned").GetInt64());
        var afterFirst = await VerifyAsync();
        Assert.True(afterFirst.IsValid, afterFirst.Reason);
        Assert.Equal(first.Tombstoned, afterFirst.Tombstones);

        // Attack: delete a kept record change and leave a tombstone so every link still holds.
        var forgedTombstone = Sql($"INSERT INTO audit_tombstones (\"Sequence\", \"Type\", \"Time\", \"PreviousHash\", \"Hash\") SELECT \"Sequence\", 'auth.login.failed', \"Time\", \"PreviousHash\", \"Hash\" FROM audit_events WHERE \"Sequence\" = {item.Sequence}");
        var hidden = await WithEventMovedAsync(item.Sequence,
            forgedTombstone + "; " + Sql($"DELETE FROM audit_events WHERE \"Sequence\" = {item.Sequence}"),
            Sql($"DELETE FROM audit_tombstones WHERE \"Sequence\" = {item.Sequence}"));
        Assert.False(hidden.IsValid);
        Assert.StartsWith("tombstones", hidden.Reason, StringComparison.Ordinal);

        // 400 days on: everything before the first purge event is past a year and is cut behind an anchor.
        var second = await PurgeAsync(TimeSpan.FromDays(400));
        Assert.True(second.PrefixRemoved > 0);
        Assert.Equal(purgeEvent.Sequence - 1, second.PurgedThrough);
        Assert.False(await AuditQueries.WithDbAsync(api, db => db.AuditEvents.AnyAsync(e => e.Sequence < purgeEvent.Sequence)));
        var afterSecond = await VerifyAsync();
        Assert.True(afterSecond.IsValid, afterSecond.Reason);
        Assert.Equal(second.PurgedThrough, afterSecond.PurgedThrough);
        var (exitCode, output) = await CliProcess.RunAsync(api.Database, "verify-audit");
        Assert.True(exitCode == 0, output);
        Assert.Contains($"purged through sequence {second.PurgedThrough}", output, StringComparison.Ordinal);

        // Cutting the first kept event (the first purge's own record) is still a gap behind the anchor.
        var cut = await WithEventMovedAsync(purgeEvent.Sequence, Sql($"DELETE FROM audit_events WHERE \"Sequence\" = {purgeEvent.Sequence}"), "SELECT 1");
        Assert.False(cut.IsValid);
        Assert.StartsWith("deleted", cut.Reason, StringComparison.Ordinal);
    }
}

public sealed class AuditRetentionSqliteTests(SqliteApiFactory api) : AuditRetentionTests(api), IClassFixture<SqliteApiFactory>;

public sealed class AuditRetentionPostgresTests(PostgresApiFactory api) : AuditRetentionTests(api), IClassFixture<PostgresApiFactory>;
