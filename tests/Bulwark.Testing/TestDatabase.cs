using Npgsql;

namespace Bulwark.Testing;

/// <summary>Which database a test host runs on.</summary>
public enum TestProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A throwaway database: a temp folder for SQLite, or a fresh PostgreSQL database created through the
/// superuser connection in <c>BULWARK_TEST_POSTGRES</c> (set by ./test.sh) and dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "BULWARK_TEST_POSTGRES";

    private TestDatabase(TestProvider provider, string dataDirectory, string? connectionString, string? databaseName)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        DatabaseName = databaseName;
    }

    public TestProvider Provider { get; }

    public string DataDirectory { get; }

    /// <summary>PostgreSQL connection string of the throwaway database as the superuser (raw checks of tests); null for SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>
    /// DATA-3: the throwaway database as the application role <c>bulwark_app</c> (DML only, no BYPASSRLS) — what hosts
    /// of the tests connect as, so every PostgreSQL suite runs under row-level security (AZ-4).
    /// </summary>
    public string? AppConnectionString => As("bulwark_app", "BULWARK_TEST_APP_PASSWORD");

    /// <summary>DATA-3: the throwaway database as the schema owner <c>bulwark_owner</c> (migrations and the seed).</summary>
    public string? OwnerConnectionString => As("bulwark_owner", "BULWARK_TEST_OWNER_PASSWORD");

    public string? DatabaseName { get; }

    /// <summary>DATA-1/DATA-5: this database's master key (base64), so CLI verbs run in Production read what the host wrote.</summary>
    public string MasterKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>DATA-4/DATA-5: this database's backup key (base64).</summary>
    public string BackupKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable)
        ?? throw new InvalidOperationException(
            $"{PostgresVariable} is not set: run the suite through ./test.sh, which starts a throwaway PostgreSQL.");

    public static async Task<TestDatabase> CreateAsync(TestProvider provider)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("bulwark-test-").FullName;
        if (provider == TestProvider.Sqlite)
        {
            return new TestDatabase(provider, dataDirectory, null, null);
        }

        var name = "bulwark_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = admin.CreateCommand();
            // DATA-3: the owner role owns the database (and so the schema it migrates); the app role only connects.
            create.CommandText = $"CREATE DATABASE \"{name}\" OWNER bulwark_owner";
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true };
        return new TestDatabase(provider, dataDirectory, builder.ToString(), name);
    }

    /// <summary>Configuration for a host using this database (as Bulwark__… environment keys).</summary>
    public Dictionary<string, string?> Settings() => Provider == TestProvider.Sqlite
        ? new()
        {
            ["BULWARK_DATA_DIR"] = DataDirectory,
            ["Bulwark:Database:Provider"] = "Sqlite",
            ["Bulwark:Database:ThreadSafetyChecks"] = "true",   // issue 7: off in the service, on in every test host
            ["Bulwark:Crypto:MasterKey"] = MasterKey,
            ["Bulwark:Backup:Key"] = BackupKey,
            ["Bulwark:Audit:CheckpointKey"] = AuditCheckpointKey,
            // AUTH-8: the suites sign in as the demo admin with a password; MfaTests run at the product default (admin).
            ["Bulwark:Mfa:RequiredRoles"] = "",
        }
        : new()
        {
            ["BULWARK_DATA_DIR"] = DataDirectory,
            ["Bulwark:Database:Provider"] = "Postgres",
            ["Bulwark:Database:ThreadSafetyChecks"] = "true",
            ["Bulwark:Database:ConnectionString"] = AppConnectionString,
            ["Bulwark:Database:MigrationConnectionString"] = OwnerConnectionString,
            ["Bulwark:Database:AutoMigrate"] = "true",
            ["Bulwark:Crypto:MasterKey"] = MasterKey,
            ["Bulwark:Backup:Key"] = BackupKey,
            ["Bulwark:Audit:CheckpointKey"] = AuditCheckpointKey,
            // AUTH-8: the suites sign in as the demo admin with a password; MfaTests run at the product default (admin).
            ["Bulwark:Mfa:RequiredRoles"] = "",
        };

    // The roles' passwords are random per cluster (./test.sh exports them), so a Production host accepts them (DATA-5).
    private string? As(string user, string passwordVariable) => ConnectionString is null
        ? null
        : new NpgsqlConnectionStringBuilder(ConnectionString)
        {
            Username = user,
            Password = Environment.GetEnvironmentVariable(passwordVariable)
                ?? throw new InvalidOperationException($"{passwordVariable} is not set: run the suite through ./test.sh."),
        }.ToString();

    /// <summary>LOG-3: the audit checkpoint HMAC key of test hosts and verbs (a test value, 32 bytes).</summary>
    public const string AuditCheckpointKey = "dGVzdC1vbmx5LWF1ZGl0LWNoZWNrcG9pbnQta2V5LTMyYg==";

    public async ValueTask DisposeAsync()
    {
        if (DatabaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(AdminConnectionString);
            await admin.OpenAsync();
            await using var drop = admin.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)";
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
