using System.ComponentModel.DataAnnotations;

namespace Bulwark.Erp.Data;

/// <summary>Database provider and connection, bound from <c>Bulwark:Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Bulwark:Database";

    /// <summary><c>Sqlite</c> (default: a file in the data folder) or <c>Postgres</c>.</summary>
    [Required, RegularExpression("^(Sqlite|Postgres)$")]
    public string Provider { get; set; } = DatabaseProviders.Sqlite;

    /// <summary>Connection string. Empty with Sqlite: <c>bulwark.db</c> in the data folder. Required with Postgres.</summary>
    [MaxLength(4096)]
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start. Default: true for Sqlite; for Postgres run the <c>migrate</c> verb instead.</summary>
    public bool? AutoMigrate { get; set; }

    /// <summary>
    /// DATA-3 (Postgres): connection of the schema owner role, used by <c>migrate</c> (and AutoMigrate) and the
    /// Development seed; <see cref="ConnectionString"/> is then the application role (DML only, subject to
    /// row-level security). Empty: migrations use <see cref="ConnectionString"/>.
    /// </summary>
    [MaxLength(4096)]
    public string? MigrationConnectionString { get; set; }

    /// <summary>DATA-3 (Postgres): the role the application connects as; migrate grants it DML only. Default <c>bulwark_app</c>.</summary>
    [MaxLength(63), RegularExpression("^[a-z_][a-z0-9_]*$")]
    public string ApplicationRole { get; set; } = "bulwark_app";

    /// <summary>
    /// Issue 7: how long a list's <c>totalCount</c> may be reused (<see cref="ListCountCache"/>) when no write told this
    /// instance otherwise; commits through this instance (and, with Redis, through any instance) recount at once.
    /// Default 5 s; 0 counts on every request.
    /// </summary>
    [Range(0, 3600)]
    public int ListCountCacheSeconds { get; set; } = 5;

    /// <summary>
    /// Issue 7: EF Core's detector of one context used by two operations at once. It costs an AsyncLocal write per row
    /// read (about 6 µs of a 50-row list page, once the request's execution context holds several values); every
    /// request leases its own context, so the service runs without it by default. The test suite turns it on, so a
    /// concurrent use of one context still fails loudly there.
    /// </summary>
    public bool ThreadSafetyChecks { get; set; }

    public bool IsSqlite => Provider == DatabaseProviders.Sqlite;
}

/// <summary>DATA-5: outside Development a PostgreSQL connection with a well-known development password stops the host.</summary>
internal sealed class DatabasePasswordValidator(Microsoft.Extensions.Hosting.IHostEnvironment environment)
    : Microsoft.Extensions.Options.IValidateOptions<DatabaseOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsSqlite || Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsDevelopment(environment))
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Success;
        }

        foreach (var (setting, value) in new[] { ("ConnectionString", options.ConnectionString), ("MigrationConnectionString", options.MigrationConnectionString) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            string? password;
            try
            {
                password = new Npgsql.NpgsqlConnectionStringBuilder(value).Password;
            }
            catch (ArgumentException)
            {
                return Microsoft.Extensions.Options.ValidateOptionsResult.Fail($"{DatabaseOptions.SectionName}:{setting} is not a valid connection string.");
            }

            if (Bulwark.Security.Hosting.WellKnownPasswords.IsWellKnown(password))
            {
                return Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                    Bulwark.Security.Hosting.WellKnownPasswords.Message($"{DatabaseOptions.SectionName}:{setting}"));
            }
        }

        return Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}

public static class DatabaseProviders
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
}
