namespace Bulwark.Api.Tests.Audit;

/// <summary>LOG-3 / OPS-4: outside Development the audit checkpoint key must be configured and sound, or the host does not start.</summary>
[Trait("Control", "LOG-3")]
public sealed class AuditKeyStartupTests
{
    [Theory]
    [InlineData(null, "CheckpointKeyFile")]
    [InlineData("c2hvcnQ=", "at least 32 bytes")]
    [InlineData("not base64!", "not base64")]
    public async Task Production_WithoutASoundCheckpointKey_StopsTheHost(string? key, string named)
    {
        var dir = Directory.CreateTempSubdirectory("bulwark-audit-key-").FullName;
        var settings = WithProductionSecrets(new Dictionary<string, string?> { ["BULWARK_DATA_DIR"] = dir, ["Bulwark:Audit:CheckpointKey"] = key });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ApiProcess.StartAsync(settings, "Production", TimeSpan.FromSeconds(150)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "audit-checkpoint.key")), "no key may be generated outside Development");
    }

    [Fact]
    public async Task Production_WithAKeyFile_Starts_AndDevelopmentGeneratesAnOwnerOnlyKey()
    {
        var dir = Directory.CreateTempSubdirectory("bulwark-audit-key-").FullName;
        var keyFile = Path.Combine(dir, "checkpoint.secret");
        await File.WriteAllTextAsync(keyFile, TestDatabase.AuditCheckpointKey);
        await using (var production = await ApiProcess.StartAsync(
                         WithProductionSecrets(new Dictionary<string, string?> { ["BULWARK_DATA_DIR"] = dir, ["Bulwark:Audit:CheckpointKeyFile"] = keyFile }),
                         "Production"))
        {
            using var client = production.CreateClient();
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }

        var devDir = Directory.CreateTempSubdirectory("bulwark-audit-key-").FullName;
        await using (await ApiProcess.StartAsync(new Dictionary<string, string?> { ["BULWARK_DATA_DIR"] = devDir }))
        {
            var generated = Path.Combine(devDir, "audit-checkpoint.key");
            Assert.True(File.Exists(generated));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(generated));
            }
        }
    }

    /// <summary>DATA-5: the other secrets Production requires (so only the checkpoint key decides here).</summary>
    private static Dictionary<string, string?> WithProductionSecrets(Dictionary<string, string?> settings)
    {
        settings["Bulwark:Crypto:MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        settings["Bulwark:Backup:Key"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        return settings;
    }
}
