using System.Net;

namespace Bulwark.Api.Tests.Crypto;

/// <summary>
/// DATA-5: every secret can come from a mounted file (<c>BULWARK_SECRETS_DIR</c>, one file per setting, named like the
/// environment variable): a Production host on PostgreSQL whose connection string, master key, backup key and
/// checkpoint key exist only as files starts and reaches its database; a missing secret file still stops it, naming
/// the setting; a secrets folder that does not exist stops it too.
/// </summary>
[Trait("Control", "DATA-5")]
public sealed class SecretFilesTests
{
    private static async Task<string> SecretsFolderAsync(TestDatabase database, bool withMasterKey)
    {
        var folder = Directory.CreateTempSubdirectory("bulwark-secrets-").FullName;
        // Written the way `echo … > file` and secret mounts write them: with a trailing newline.
        await File.WriteAllTextAsync(Path.Combine(folder, "Bulwark__Database__ConnectionString"), database.ConnectionString + "\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "Bulwark__Backup__Key"), database.BackupKey + "\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "Bulwark__Audit__CheckpointKey"), TestDatabase.AuditCheckpointKey + "\n");
        if (withMasterKey)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "Bulwark__Crypto__MasterKey"), database.MasterKey + "\n");
        }

        return folder;
    }

    private static Dictionary<string, string?> Environment(TestDatabase database, string secrets) => new()
    {
        // No secret in the environment: only where to find them.
        ["BULWARK_DATA_DIR"] = database.DataDirectory,
        ["BULWARK_SECRETS_DIR"] = secrets,
        ["Bulwark:Database:Provider"] = "Postgres",
        ["Bulwark:Database:AutoMigrate"] = "true",
    };

    [Fact]
    public async Task Production_WithEverySecretAsAFile_Starts_AndReachesItsDatabase()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Postgres);
        var secrets = await SecretsFolderAsync(database, withMasterKey: true);
        await using (var api = await ApiProcess.StartAsync(Environment(database, secrets), "Production", TimeSpan.FromSeconds(150)))
        {
            using var client = api.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        }

        Assert.False(File.Exists(Path.Combine(database.DataDirectory, "master.key")), "no key may be generated outside Development");
        Directory.Delete(secrets, recursive: true);
    }

    [Fact]
    public async Task Production_WithoutTheMasterKeyFile_OrWithAMissingSecretsFolder_DoesNotStart()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Postgres);
        var secrets = await SecretsFolderAsync(database, withMasterKey: false);
        var missingKey = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ApiProcess.StartAsync(Environment(database, secrets), "Production", TimeSpan.FromSeconds(150)));
        Assert.Contains("Bulwark:Crypto:MasterKey", missingKey.Message, StringComparison.Ordinal);

        var gone = Path.Combine(secrets, "not-mounted");
        var missingFolder = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ApiProcess.StartAsync(Environment(database, gone), "Production", TimeSpan.FromSeconds(150)));
        Assert.Contains("BULWARK_SECRETS_DIR", missingFolder.Message, StringComparison.Ordinal);
        Directory.Delete(secrets, recursive: true);
    }

    [Theory]
    [InlineData("Bulwark:Database:ConnectionString", "Host=127.0.0.1;Database=bulwark;Username=postgres;Password=postgres")]
    [InlineData("Bulwark:Database:ConnectionString", "Host=127.0.0.1;Database=bulwark;Username=bulwark_app;Password=app-pass")]
    [InlineData("Bulwark:Database:MigrationConnectionString", "Host=127.0.0.1;Database=bulwark;Username=bulwark_owner;Password=ChangeMe")]
    [InlineData("Bulwark:Redis:Configuration", "127.0.0.1:6379,password=redis")]
    public async Task Production_WithAWellKnownDatabaseOrRedisPassword_DoesNotStart(string setting, string value)
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var settings = new Dictionary<string, string?>
        {
            ["BULWARK_DATA_DIR"] = database.DataDirectory,
            ["Bulwark:Database:Provider"] = "Postgres",
            // A strong password where the case is not about the main connection string.
            ["Bulwark:Database:ConnectionString"] = "Host=127.0.0.1;Database=bulwark;Username=bulwark_app;Password=Kq7-strong-4f9e2a",
            ["Bulwark:Crypto:MasterKey"] = database.MasterKey,
            ["Bulwark:Backup:Key"] = database.BackupKey,
            ["Bulwark:Audit:CheckpointKey"] = TestDatabase.AuditCheckpointKey,
            [setting] = value,
        };
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ApiProcess.StartAsync(settings, "Production", TimeSpan.FromSeconds(150)));
        Assert.Contains(setting + " uses a well-known development password", refused.Message, StringComparison.Ordinal);
        var password = value[(value.LastIndexOf('=') + 1)..];
        Assert.DoesNotContain("=" + password, refused.Message, StringComparison.Ordinal);   // ERR-2/LOG-4: the value is not echoed
    }
}
