using System.Diagnostics;

namespace Bulwark.Api.Tests.Audit;

/// <summary>Runs an admin verb of the real binary (a separate process) against a test database.</summary>
internal static class CliProcess
{
    public static Task<(int ExitCode, string Output)> RunAsync(TestDatabase database, params string[] args) =>
        RunWithAsync(database, new Dictionary<string, string?>(), args);

    /// <summary>As <see cref="RunAsync(TestDatabase, string[])"/> with extra settings (later ones win).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(TestDatabase database,
        IReadOnlyDictionary<string, string?> extraSettings, params string[] args) => RunWithAsync(database, extraSettings, args);

    /// <summary>The same with extra settings (configuration keys with ':').</summary>
    public static async Task<(int ExitCode, string Output)> RunWithAsync(TestDatabase database, IReadOnlyDictionary<string, string?> settings,
        params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bulwark.Api.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in TestLogs.With(database.Settings().Concat(settings), "verb"))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        return (process.ExitCode, await stdout + await stderr);
    }
}
