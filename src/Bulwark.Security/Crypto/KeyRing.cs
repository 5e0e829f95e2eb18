using System.Xml.Linq;
using Bulwark.Security.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Crypto;

/// <summary>
/// DATA-5/AUTH-4: where the Data Protection key ring is kept when several instances must share it (the scaled mode
/// registers the database here). Without one, the ring lives in the data folder (<c>key-ring/</c>), which is right for
/// the single-instance embedded mode.
/// </summary>
public sealed class SharedKeyRing(IXmlRepository repository)
{
    public IXmlRepository Repository { get; } = repository;
}

/// <summary>
/// DATA-5/AUTH-4: the Data Protection key ring — shared between instances (<see cref="SharedKeyRing"/>) and encrypted at
/// rest under the master key (<see cref="MasterKeyXmlEncryptor"/>). Keys written by earlier versions to the per-instance
/// folder <c>data-protection-keys/</c> (in clear) are imported once, encrypted, so what they protected (signing keys)
/// stays readable; after that the folder is no longer read and can be deleted.
/// </summary>
public static class KeyRing
{
    internal const string LegacyFolder = "data-protection-keys";
    internal const string Folder = "key-ring";

    public static IDataProtectionBuilder AddBulwarkKeyRing(this IServiceCollection services, BulwarkDataDirectory dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var builder = services.AddDataProtection().SetApplicationName("Bulwark");
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, sp) =>
        {
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var encryptor = new MasterKeyXmlEncryptor(sp.GetRequiredService<FieldCipher>());
            var store = sp.GetService<SharedKeyRing>()?.Repository
                        ?? new FileSystemXmlRepository(new DirectoryInfo(dataDirectory.Combine(Folder)), loggers);
            var legacy = new DirectoryInfo(dataDirectory.Combine(LegacyFolder));
            options.XmlEncryptor = encryptor;
            options.XmlRepository = new ImportingXmlRepository(store,
                legacy.Exists ? new FileSystemXmlRepository(legacy, loggers) : null, encryptor,
                loggers.CreateLogger(typeof(KeyRing).FullName!));
        });
        return builder;
    }

    /// <summary>
    /// Encrypts every element Data Protection marked <c>requiresEncryption</c> in <paramref name="key"/>, the way the
    /// key manager does for a new key. Returns false when there was nothing to encrypt.
    /// </summary>
    internal static bool EncryptSecrets(XElement key, IXmlEncryptor encryptor)
    {
        XNamespace ns = "http://schemas.asp.net/2015/03/dataProtection";
        var secrets = key.Descendants().Where(e => (bool?)e.Attribute(ns + "requiresEncryption") == true).ToList();
        foreach (var secret in secrets)
        {
            var encrypted = encryptor.Encrypt(new XElement(secret));
            secret.ReplaceWith(new XElement(ns + "encryptedSecret",
                new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!), encrypted.EncryptedElement));
        }

        return secrets.Count > 0;
    }

    /// <summary>The key id of a <c>&lt;key id="…"&gt;</c> element (null for revocations and anything else).</summary>
    internal static string? KeyIdOf(XElement element) => element.Name == "key" ? (string?)element.Attribute("id") : null;
}

internal sealed partial class ImportingXmlRepository(IXmlRepository store, IXmlRepository? legacy, IXmlEncryptor encryptor, ILogger logger)
    : IXmlRepository
{
    private readonly Lock _gate = new();
    private bool _imported = legacy is null;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = store.GetAllElements();
        lock (_gate)
        {
            if (!_imported)
            {
                _imported = true;
                if (Import(elements) > 0)
                {
                    elements = store.GetAllElements();
                }
            }
        }

        // Two instances importing at once may both store a legacy key: the copies are equal, one is enough.
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return elements.Where(e => KeyRing.KeyIdOf(e) is not { } id || seen.Add(id)).ToArray();
    }

    public void StoreElement(XElement element, string friendlyName) => store.StoreElement(element, friendlyName);

    private int Import(IReadOnlyCollection<XElement> current)
    {
        var known = current.Select(KeyRing.KeyIdOf).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var count = 0;
        foreach (var element in legacy!.GetAllElements())
        {
            if (KeyRing.KeyIdOf(element) is not { } id || known.Contains(id))
            {
                continue;
            }

            var copy = new XElement(element);
            KeyRing.EncryptSecrets(copy, encryptor);   // DATA-5: the clear legacy key is stored encrypted
            store.StoreElement(copy, "key-" + id);
            count++;
        }

        if (count > 0)
        {
            LogImported(logger, count);
        }

        return count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DATA-5: imported {Count} Data Protection key(s) from the per-instance folder data-protection-keys/ into the encrypted key ring; that folder holds them in clear and is no longer read: delete it.")]
    private static partial void LogImported(ILogger logger, int count);
}
