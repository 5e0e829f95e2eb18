using Bulwark.Erp.Data.Seeding;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Data;

/// <summary>Applies migrations (the <c>migrate</c> verb, and at start in the embedded default) and the Development seed.</summary>
public sealed partial class DatabaseInitializer(
    BulwarkDbContext db,
    IOptions<DatabaseOptions> options,
    IHostEnvironment environment,
    DemoSeeder seeder,
    ILogger<DatabaseInitializer> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (options.Value.IsSqlite)
        {
            // Single-writer path: WAL lets readers proceed while the one writer commits.
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await connection.OpenAsync(cancellationToken);
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode=WAL;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await db.Database.MigrateAsync(cancellationToken);
        LogMigrated(logger, options.Value.Provider);
    }

    /// <summary>Start-up: migrate when configured (default for SQLite), seed the demo data in Development only.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (options.Value.AutoMigrate ?? options.Value.IsSqlite)
        {
            await MigrateAsync(cancellationToken);
        }

        if (environment.IsDevelopment())
        {
            await seeder.SeedAsync(cancellationToken);
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Database migrated ({Provider})")]
    private static partial void LogMigrated(ILogger logger, string provider);
}
