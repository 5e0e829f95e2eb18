using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bulwark.Security.Crypto;
using Bulwark.Security.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Transport;

/// <summary>
/// TLS-1: the server certificate from the PEM files, reloaded when they change. Checked lazily on a
/// handshake at most every <see cref="TlsOptions.ReloadCheckSeconds"/>; a half-written or invalid pair
/// keeps the previous certificate (logged) and is retried at the next check.
/// </summary>
internal sealed partial class TlsCertificateSource
{
    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly TimeSpan _checkEvery;
    private readonly TimeProvider _time;
    private readonly ILogger<TlsCertificateSource> _logger;
    private readonly Lock _gate = new();
    private X509Certificate2? _current;
    private (DateTime, long, DateTime, long) _stamp;
    private DateTimeOffset _nextCheck;

    public TlsCertificateSource(IOptions<TlsOptions> options, IHostEnvironment environment, BulwarkDataDirectory dataDirectory,
        TimeProvider time, ILogger<TlsCertificateSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var o = options.Value;
        _time = time;
        _logger = logger;
        _checkEvery = TimeSpan.FromSeconds(o.ReloadCheckSeconds);
        if (string.IsNullOrWhiteSpace(o.CertificateFile) || string.IsNullOrWhiteSpace(o.KeyFile))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException($"{TlsOptions.SectionName}:CertificateFile and :KeyFile are required for HTTPS outside Development.");
            }

            _certificateFile = dataDirectory.Combine("tls-cert.pem");
            _keyFile = dataDirectory.Combine("tls-key.pem");
            if (!File.Exists(_certificateFile) || !File.Exists(_keyFile))
            {
                GenerateDevelopmentCertificate(_certificateFile, _keyFile);
                LogGeneratedDevelopmentCertificate(_logger, _certificateFile);
            }
        }
        else
        {
            _certificateFile = o.CertificateFile;
            _keyFile = o.KeyFile;
        }

        _current = Load() ?? throw new InvalidOperationException(
            $"{TlsOptions.SectionName}:CertificateFile/KeyFile do not hold a valid PEM certificate and matching private key.");
        _stamp = Stamp();
        _nextCheck = _time.GetUtcNow() + _checkEvery;
    }

    /// <summary>The certificate for a new handshake (reloaded first if the files changed).</summary>
    public X509Certificate2 Current
    {
        get
        {
            if (_time.GetUtcNow() < _nextCheck)
            {
                return _current!;
            }

            lock (_gate)
            {
                if (_time.GetUtcNow() >= _nextCheck)
                {
                    _nextCheck = _time.GetUtcNow() + _checkEvery;
                    var stamp = Stamp();
                    if (stamp != _stamp && Load() is { } fresh)
                    {
                        _stamp = stamp;
                        _current = fresh;   // the old instance may still serve in-flight handshakes; not disposed
                        LogReloaded(_logger, fresh.Thumbprint, fresh.NotAfter);
                    }
                }

                return _current!;
            }
        }
    }

    private (DateTime, long, DateTime, long) Stamp()
    {
        var cert = new FileInfo(_certificateFile);
        var key = new FileInfo(_keyFile);
        return (cert.Exists ? cert.LastWriteTimeUtc : default, cert.Exists ? cert.Length : -1,
            key.Exists ? key.LastWriteTimeUtc : default, key.Exists ? key.Length : -1);
    }

    private X509Certificate2? Load()
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(_certificateFile, _keyFile);
            // A PKCS#12 round trip gives a persisted key handle that SslStream can use on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogUnreadable(_logger, _certificateFile, e.GetType().Name);
            return null;
        }
    }

    private static void GenerateDevelopmentCertificate(string certificateFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
        MasterKey.WriteOwnerOnly(keyFile, key.ExportPkcs8PrivateKeyPem());
        MasterKey.WriteOwnerOnly(certificateFile, certificate.ExportCertificatePem());
    }

    [LoggerMessage(EventId = 1310, Level = LogLevel.Warning,
        Message = "DEVELOPMENT CERTIFICATE: Bulwark:Tls:CertificateFile is not configured, so a self-signed certificate was generated at {Path}. Clients will not trust it; never use it outside Development.")]
    private static partial void LogGeneratedDevelopmentCertificate(ILogger logger, string path);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Information, Message = "TLS-1: certificate reloaded, thumbprint {Thumbprint}, valid until {NotAfter}")]
    private static partial void LogReloaded(ILogger logger, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning,
        Message = "TLS-1: the certificate files at {Path} could not be loaded ({Error}); the previous certificate stays in use")]
    private static partial void LogUnreadable(ILogger logger, string path, string error);
}
