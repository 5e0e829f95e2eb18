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
    ILogger<DatabaseInitializer> logger,
    OwnerDbContexts owners,
    IServiceProvider services)
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

        if (!options.Value.IsSqlite)
        {
            // DATA-3: schema changes as the owner; then the hand-written RLS policies and grants (AZ-4).
            await using var owner = owners.Create();
            var target = owner ?? db;
            await target.Database.MigrateAsync(cancellationToken);
            await Authorization.PostgresRowLevelSecurity.ApplyAsync(target, options.Value.ApplicationRole, cancellationToken);
            LogMigrated(logger, options.Value.Provider);
            return;
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
            // DATA-3: the seed writes every tenant's rows, so it runs as the owner when one is configured.
            await using var owner = owners.Create();
            await (owner is null ? seeder : ActivatorUtilities.CreateInstance<DemoSeeder>(services, (BulwarkDbContext)owner))
                .SeedAsync(cancellationToken);
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Database migrated ({Provider})")]
    private static partial void LogMigrated(ILogger logger, string provider);
}
