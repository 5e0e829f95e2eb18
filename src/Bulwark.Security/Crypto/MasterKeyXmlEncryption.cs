using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Security.Crypto;

/// <summary>
/// DATA-5/AUTH-4: the Data Protection key ring is encrypted at rest under the master key. ASP.NET Core ships key
/// encryptors only for DPAPI (Windows), X.509 certificates and cloud key vaults; this plugs the existing
/// <see cref="FieldCipher"/> (AES-256-GCM, HKDF data keys with ids, so <c>Bulwark:Crypto:ActiveKeyId</c> rotation keeps
/// older key-ring entries readable) into the framework's <see cref="IXmlEncryptor"/> extension point. A key ring row
/// copied without the master key is useless, and an edited one fails authentication.
/// </summary>
public sealed class MasterKeyXmlEncryptor(FieldCipher cipher) : IXmlEncryptor
{
    internal const string Purpose = "dataprotection.key-ring";
    internal static readonly XName Element = "bulwarkEncryptedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var envelope = cipher.Encrypt(plaintextElement.ToString(SaveOptions.DisableFormatting), Purpose);
        return new EncryptedXmlInfo(new XElement(Element, new XComment(" DATA-5: AES-256-GCM under the Bulwark master key "),
            new XElement("value", envelope)), typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>
/// DATA-5: reads what <see cref="MasterKeyXmlEncryptor"/> wrote. Data Protection creates decryptors by the type name
/// recorded in the key XML, handing over the service provider, so the cipher is resolved from there.
/// </summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var envelope = (string?)encryptedElement.Element("value")
                       ?? throw new FieldIntegrityException(MasterKeyXmlEncryptor.Purpose, (int?)null);
        // A wrong master key or an edited row throws FieldIntegrityException (a CryptographicException): Data
        // Protection then treats that key as unusable instead of trusting it.
        return XElement.Parse(services.GetRequiredService<FieldCipher>().Decrypt(envelope, MasterKeyXmlEncryptor.Purpose));
    }
}
