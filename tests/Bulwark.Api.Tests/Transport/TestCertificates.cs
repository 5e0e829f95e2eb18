using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bulwark.Api.Tests.Transport;

/// <summary>Self-signed ECDSA P-256 certificates written as PEM files, as an operator would supply them.</summary>
internal static class TestCertificates
{
    /// <summary>Writes a new certificate + key to the two paths (atomically: temp file, then rename); returns its thumbprint.</summary>
    public static string Write(string certificateFile, string keyFile, string commonName = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        Replace(keyFile, key.ExportPkcs8PrivateKeyPem());
        Replace(certificateFile, certificate.ExportCertificatePem());
        return certificate.Thumbprint;
    }

    private static void Replace(string path, string content)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
