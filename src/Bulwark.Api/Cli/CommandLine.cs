using Bulwark.Erp.Audit;
using Bulwark.Erp.Data;

namespace Bulwark.Api.Cli;

/// <summary>
/// Admin verbs run by the same binary: <c>migrate</c>, <c>verify-audit</c>, <c>dev-token</c> (Development only).
/// Later issues add create-admin, rotate-keys, backup, restore and bans.
/// </summary>
internal static class CommandLine
{
    private static readonly string[] Verbs = ["migrate", "verify-audit", "dev-token", "rotate-keys", "rotate-data-keys", "bans", "create-admin", "backup", "restore"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
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
            await Console.Out.WriteLineAsync($"verify-audit: OK, {result.Count} events verified");
            return 0;
        }

        await Console.Out.WriteLineAsync(
            $"verify-audit: BROKEN at sequence {result.BrokenSequence}: {result.Reason} ({result.Count} events verified before it)");
        return 1;
    }
}
