using Bulwark.Erp.Data;

namespace Bulwark.Api.Cli;

/// <summary>
/// Admin verbs run by the same binary: <c>Bulwark.Api migrate</c>. Later issues add create-admin,
/// rotate-keys, verify-audit, backup, restore, bans and (Development only) dev-token.
/// </summary>
internal static class CommandLine
{
    private static readonly string[] Verbs = ["migrate"];

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
            default:
                await Console.Error.WriteLineAsync("unknown verb");
                return 2;
        }
    }
}
