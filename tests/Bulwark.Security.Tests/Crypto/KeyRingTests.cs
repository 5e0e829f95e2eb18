using System.Security.Cryptography;
using Bulwark.Security.Crypto;
using Bulwark.Security.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Security.Tests.Crypto;

/// <summary>
/// DATA-5/AUTH-4: the Data Protection key ring is written encrypted under the master key, read back by any holder of
/// that key, refused under another one; keys an earlier version wrote in clear are imported encrypted and still work.
/// </summary>
[Trait("Control", "DATA-5"), Trait("Control", "AUTH-4")]
public sealed class KeyRingTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("bulwark-keyring-");
    private readonly byte[] _master = RandomNumberGenerator.GetBytes(32);

    public void Dispose() => _data.Delete(recursive: true);

    private ServiceProvider Host(byte[] masterKey)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new FieldCipher(masterKey, activeKeyId: 1));
        services.AddBulwarkKeyRing(new BulwarkDataDirectory(_data.FullName));
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider host) =>
        host.GetRequiredService<IDataProtectionProvider>().CreateProtector("Bulwark.Tests.KeyRing");

    private string[] RingFiles() => Directory.GetFiles(Path.Combine(_data.FullName, KeyRing.Folder), "*.xml");

    [Fact]
    public void NewKeys_AreStoredEncrypted_AndReadBackWithTheSameMasterKey()
    {
        string sealedValue;
        using (var first = Host(_master))
        {
            sealedValue = Protector(first).Protect("payroll-run-42");
        }

        var file = Assert.Single(RingFiles());
        var xml = File.ReadAllText(file);
        Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        Assert.Contains("bwk1:1:", xml, StringComparison.Ordinal);
        // The framework marks the key material requiresEncryption; once encrypted, no such element is left in clear.
        Assert.DoesNotContain("requiresEncryption", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);

        using var second = Host(_master);   // another instance with the same master key
        Assert.Equal("payroll-run-42", Protector(second).Unprotect(sealedValue));
    }

    [Fact]
    public void TheRing_IsUselessUnderAnotherMasterKey_AndAnEditedEntryIsRefused()
    {
        string sealedValue;
        using (var first = Host(_master))
        {
            sealedValue = Protector(first).Protect("payroll-run-42");
        }

        var file = Assert.Single(RingFiles());
        using (var stranger = Host(RandomNumberGenerator.GetBytes(32)))
        {
            Assert.ThrowsAny<CryptographicException>(() => Protector(stranger).Unprotect(sealedValue));
        }

        var xml = File.ReadAllText(file);
        var start = xml.IndexOf("bwk1:1:", StringComparison.Ordinal) + 20;
        File.WriteAllText(file, xml[..start] + (xml[start] == 'A' ? 'B' : 'A') + xml[(start + 1)..]);
        using var tampered = Host(_master);
        Assert.ThrowsAny<CryptographicException>(() => Protector(tampered).Unprotect(sealedValue));
    }

    [Fact]
    public void ALegacyClearKey_IsImportedEncrypted_AndWhatItProtectedStaysReadable()
    {
        // What an earlier version wrote: the per-instance folder, keys in clear.
        var legacy = new DirectoryInfo(Path.Combine(_data.FullName, KeyRing.LegacyFolder));
        var oldProvider = DataProtectionProvider.Create(legacy, b => b.SetApplicationName("Bulwark"));
        var sealedValue = oldProvider.CreateProtector("Bulwark.Tests.KeyRing").Protect("signing-key-bytes");
        Assert.Contains("requiresEncryption", File.ReadAllText(Assert.Single(legacy.GetFiles("*.xml")).FullName), StringComparison.Ordinal);

        using (var upgraded = Host(_master))
        {
            Assert.Equal("signing-key-bytes", Protector(upgraded).Unprotect(sealedValue));
            // New protections keep working too (with the imported key or a new one).
            var fresh = Protector(upgraded).Protect("after-upgrade");
            Assert.Equal("after-upgrade", Protector(upgraded).Unprotect(fresh));
        }

        var imported = Assert.Single(RingFiles());
        var xml = File.ReadAllText(imported);
        Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("requiresEncryption", xml, StringComparison.Ordinal);

        // Imported once: the legacy folder no longer matters (deleting it loses nothing).
        legacy.Delete(recursive: true);
        using var later = Host(_master);
        Assert.Equal("signing-key-bytes", Protector(later).Unprotect(sealedValue));
        Assert.Single(RingFiles());
    }
}
