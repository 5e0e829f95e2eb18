using Bulwark.Erp.Audit;
using Bulwark.Erp.Data;

namespace Bulwark.Api.Cli;

/// <summary>
/// Admin verbs run by the same binary: <c>migrate</c>, <c>verify-audit</c>, <c>dev-token</c> (Development only).
/// Later issues add create-admin, rotate-keys, backup, restore and bans.
/// </summary>
internal static class CommandLine
{
    private static readonly string[] Verbs = ["migrate", "verify-audit", "dev-token", "rotate-keys", "rotate-data-keys", "bans", "create-admin", "backup", "restore", "purge-audit"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        try
        {
            return await RunVerbAsync(app, args);
        }
        catch (OwnerConnectionRequiredException e)
        {
            // DATA-3: a cross-tenant verb on the application role's connection would miss rows; refuse, say what to set.
            await Console.Error.WriteLineAsync($"{args[0]}: refused: {e.Message}");
            return 2;
        }
    }

    private static async Task<int> RunVerbAsync(WebApplication app, string[] args)
    {
        await using var scope = app.Services.CreateAsyncScope();
        switch (args[0])
        {
            case "migrate":
                await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync(CancellationToken.None);
                await Console.Out.WriteLineAsync("migrate: database is up to date");
                return 0;
            case "verify-audit":
                return await VerifyAuditAsync(scope.ServiceProvider);
            case "bans":
                return await BansCommand.RunAsync(scope.ServiceProvider, args, Console.Out, Console.Error);
            case "purge-audit":
                return await PurgeAuditAsync(scope.ServiceProvider);
            case "dev-token":
                return await DevTokenCommand.RunAsync(app, Console.In, Console.Out, Console.Error);
            case "create-admin":
                return await CreateAdminCommand.RunAsync(scope.ServiceProvider, args, Console.In, Console.Out, Console.Error);
            case "rotate-keys":
                return await RotateKeysCommand.RunAsync(app, Console.Out);
            case "rotate-data-keys":
                return await RotateDataKeysCommand.RunAsync(scope.ServiceProvider, args, Console.Out, Console.Error);
            case "backup":
                return await BackupCommand.BackupAsync(scope.ServiceProvider, args, Console.Out, Console.Error);
            case "restore":
                return await BackupCommand.RestoreAsync(scope.ServiceProvider, args, Console.Out, Console.Error);
            default:
                await Console.Error.WriteLineAsync("unknown verb");
                return 2;
        }
    }

    /// <summary>LOG-3: walks the audit chain; exit 0 when intact, 1 naming the first broken link.</summary>
    private static async Task<int> VerifyAuditAsync(IServiceProvider services)
    {
        var result = await services.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None);
        if (result.IsValid)
        {
            await Console.Out.WriteLineAsync(
                $"verify-audit: OK, {result.Count} events verified ({result.Checkpoints} keyed checkpoints, {result.Tombstones} purged events, purged through sequence {result.PurgedThrough})");
            return 0;
        }

        await Console.Out.WriteLineAsync(
            $"verify-audit: BROKEN at sequence {result.BrokenSequence}: {result.Reason} ({result.Count} events verified before it)");
        // LOG-6: a critical event; a verb runs no background services, so the alert is delivered here and now.
        var broken = AuditChainStatus.ReportBroken(services.GetRequiredService<Bulwark.Security.Audit.ISecurityEvents>(),
            services.GetRequiredService<TimeProvider>(), result);
        await services.GetRequiredService<Bulwark.Security.Monitoring.AlertWebhook>().SendNowAsync(broken, CancellationToken.None);
        return 1;
    }

    /// <summary>LOG-5: one retention run (security events past 90 d, audit events past 1 y by default); exit 0.</summary>
    private static async Task<int> PurgeAuditAsync(IServiceProvider services)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var purge = await services.GetRequiredService<AuditRetention>().PurgeAsync(time.GetUtcNow(), CancellationToken.None);
        await Console.Out.WriteLineAsync(
            $"purge-audit: {purge.PrefixRemoved} old events removed, {purge.Tombstoned} security events purged, chain kept from sequence {purge.PurgedThrough}");
        return 0;
    }
}
