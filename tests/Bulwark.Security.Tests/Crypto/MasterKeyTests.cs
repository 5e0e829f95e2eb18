using System.Security.Cryptography;
using Bulwark.Security.Crypto;
using Bulwark.Security.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Security.Tests.Crypto;

/// <summary>DATA-5: secrets from configuration or a file; generated only in Development; refused otherwise when absent or weak.</summary>
[Trait("Control", "DATA-5")]
public sealed class MasterKeyTests
{
    private const string Setting = "Bulwark:Crypto:MasterKey";
    private static readonly string Good = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Production_Missing_NamesTheSetting()
    {
        Assert.Contains(Setting, MasterKey.Problem(null, null, Setting, Env("Production")), StringComparison.Ordinal);
        Assert.Null(MasterKey.Problem(null, null, Setting, Env("Development")));
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]   // 32 zero bytes: a placeholder
    [InlineData("c2hvcnQ=")]                                      // 5 bytes
    public void Production_MalformedOrPlaceholder_IsRefused(string value) =>
        Assert.Contains(Setting, MasterKey.Problem(value, null, Setting, Env("Production")), StringComparison.Ordinal);

    [Fact]
    public void Production_GeneratedDevelopmentKeyFile_IsRefused_ARealFileIsAccepted()
    {
        var dir = Directory.CreateTempSubdirectory("bulwark-key-").FullName;
        try
        {
            var developmentKey = MasterKey.Load(null, null, Setting, Env("Development"), new BulwarkDataDirectory(dir), "master.key",
                NullLogger.Instance);
            Assert.Equal(32, developmentKey.Length);
            var generated = Path.Combine(dir, "master.key");
            Assert.StartsWith(MasterKey.DevelopmentMarker, File.ReadAllText(generated), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(generated));
            }

            Assert.Contains("development key", MasterKey.Problem(null, generated, Setting, Env("Production")), StringComparison.Ordinal);

            var real = Path.Combine(dir, "real.key");
            File.WriteAllText(real, Good + "\n");
            Assert.Null(MasterKey.Problem(null, real, Setting, Env("Production")));
            Assert.Equal(Convert.FromBase64String(Good),
                MasterKey.Load(null, real, Setting, Env("Production"), new BulwarkDataDirectory(dir), "master.key", NullLogger.Instance));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static HostEnvironment Env(string name) => new() { EnvironmentName = name };

    private sealed class HostEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = "Bulwark";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
