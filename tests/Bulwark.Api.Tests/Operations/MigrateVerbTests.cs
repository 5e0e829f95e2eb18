using System.Diagnostics;
using Npgsql;

namespace Bulwark.Api.Tests.Operations;

/// <summary>The <c>migrate</c> verb creates the schema on PostgreSQL and is idempotent; an unknown database fails cleanly.</summary>
public sealed class MigrateVerbTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment, params string[] args)
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
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Migrate_OnPostgres_CreatesTheSchema_AndIsIdempotent()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Postgres);
        var environment = new Dictionary<string, string>
        {
            ["BULWARK_DATA_DIR"] = database.DataDirectory,
            ["Bulwark__Database__Provider"] = "Postgres",
            ["Bulwark__Database__ConnectionString"] = database.ConnectionString!,
            ["Bulwark__Crypto__MasterKey"] = database.MasterKey,   // DATA-5: required outside Development
            ["Bulwark__Backup__Key"] = database.BackupKey,
        };

        var first = await RunAsync(environment, "migrate");
        Assert.True(first.ExitCode == 0, first.Output);
        var second = await RunAsync(environment, "migrate");
        Assert.True(second.ExitCode == 0, second.Output);

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN " +
                              "('tenants','users','employees','accounts','journal_entries','journal_lines','items','warehouses','stock_levels','stock_movements','audit_events')";
        Assert.Equal(11L, (long)(await command.ExecuteScalarAsync())!);
        // Production: no demo data.
        command.CommandText = "SELECT count(*) FROM tenants";
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }
}
