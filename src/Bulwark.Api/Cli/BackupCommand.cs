using Bulwark.Erp.Backup;
using Bulwark.Erp.Data;
using Bulwark.Security.Crypto;
using Bulwark.Security.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Api.Cli;

/// <summary>
/// DATA-4: <c>backup --out FILE [--tenant SLUG]</c> writes an encrypted, authenticated snapshot (file mode 0600,
/// never overwriting); <c>restore --in FILE</c> migrates the (empty) target database and restores it, refusing a
/// wrong key, an altered or truncated file, or a non-empty database with exit 1 and a clear message.
/// </summary>
internal static class BackupCommand
{
    public static async Task<int> BackupAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var path = Option(args, "--out");
        if (path is null)
        {
            await error.WriteLineAsync("backup: --out FILE is required");
            return 2;
        }

        var key = LoadKey(services);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            BackupSummary summary;
            await using (var file = new FileStream(path, fileOptions))
            {
                summary = await services.GetRequiredService<BackupService>().BackupAsync(file, key, Option(args, "--tenant"), CancellationToken.None);
            }

            await output.WriteLineAsync($"backup: {summary.Rows} rows in {summary.Counts.Count} tables written to {path}, checksum {summary.Checksum}");
            return 0;
        }
        catch (IOException e) when (File.Exists(path) && e is not FileNotFoundException)
        {
            await error.WriteLineAsync($"backup: {path} already exists; choose a new file");
            return 1;
        }
        catch (Exception e) when (e is BackupFileException or OwnerConnectionRequiredException)
        {
            File.Delete(path);   // made by this run (CreateNew) and incomplete: no half backup is left to mistake for one
            if (e is OwnerConnectionRequiredException)
            {
                throw;   // reported by CommandLine (exit 2)
            }

            await error.WriteLineAsync("backup: refused: " + e.Message);
            return 1;
        }
    }

    public static async Task<int> RestoreAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var path = Option(args, "--in");
        if (path is null || !File.Exists(path))
        {
            await error.WriteLineAsync("restore: --in FILE (an existing backup file) is required");
            return 2;
        }

        var key = LoadKey(services);
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(CancellationToken.None);
        try
        {
            await using var file = File.OpenRead(path);
            var summary = await services.GetRequiredService<BackupService>().RestoreAsync(file, key, CancellationToken.None);
            await output.WriteLineAsync($"restore: {summary.Rows} rows in {summary.Counts.Count} tables restored, checksum {summary.Checksum}");
            return 0;
        }
        catch (BackupFileException e)
        {
            await error.WriteLineAsync("restore: refused: " + e.Message + " Nothing was restored.");
            return 1;
        }
    }

    private static byte[] LoadKey(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<BackupOptions>>().Value;
        return MasterKey.Load(options.Key, options.KeyFile, BackupOptions.SectionName + ":Key", services.GetRequiredService<IHostEnvironment>(),
            services.GetRequiredService<BulwarkDataDirectory>(), "backup.key",
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Bulwark.Backup"));
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
