using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Transport;

/// <summary>
/// TLS-1 on Kestrel: every <c>https://</c> address gets TLS 1.2/1.3 only, AEAD cipher suites with forward
/// secrecy (enforced through OpenSSL on Linux), and the reloadable certificate of <see cref="TlsCertificateSource"/>.
/// </summary>
internal sealed partial class TlsSetup(IServiceProvider services, IConfiguration configuration, ILogger<TlsSetup> logger)
    : IConfigureOptions<KestrelServerOptions>
{
    /// <summary>TLS 1.3 suites, then TLS 1.2 ECDHE with AES-GCM / ChaCha20-Poly1305 (no CBC, RSA key exchange, SHA-1, 3DES, RC4).</summary>
    internal static readonly TlsCipherSuite[] StrongCipherSuites =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    public void Configure(KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var addresses = ListeningAddresses.From(configuration);
        if (addresses.Any(ListeningAddresses.IsPlainHttp))
        {
            LogPlainHttp(logger, string.Join(", ", addresses.Where(ListeningAddresses.IsPlainHttp)));
        }

        // Resolved now when HTTPS is configured, so a missing or broken certificate stops the host at start.
        var source = addresses.Any(ListeningAddresses.IsHttps) ? services.GetRequiredService<TlsCertificateSource>() : null;
        options.ConfigureHttpsDefaults(https =>
        {
            https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            https.ServerCertificateSelector = (_, _) => (source ?? services.GetRequiredService<TlsCertificateSource>()).Current;
            https.OnAuthenticate = (_, ssl) =>
            {
                ssl.EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
                {
                    ssl.CipherSuitesPolicy = new CipherSuitesPolicy(StrongCipherSuites);
                }
            };
        });
    }

    [LoggerMessage(EventId = 1313, Level = LogLevel.Warning,
        Message = "TLS-1: Bulwark:Tls:AllowPlainHttp is on and plain HTTP is served at {Addresses}: everything on it, credentials included, crosses the network in clear. Only behind a TLS-terminating proxy on a private network.")]
    private static partial void LogPlainHttp(ILogger logger, string addresses);
}

/// <summary>TLS-1: plain HTTP only when explicitly allowed; HTTPS outside Development only with a certificate.</summary>
internal sealed class TlsOptionsValidator(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var addresses = ListeningAddresses.From(configuration);
        var plain = addresses.FirstOrDefault(ListeningAddresses.IsPlainHttp);
        if (plain is not null && !options.AllowPlainHttp)
        {
            return ValidateOptionsResult.Fail(
                $"TLS-1: the plain-HTTP listening address {plain} is refused. Serve https:// with {TlsOptions.SectionName}:CertificateFile " +
                $"and :KeyFile, or set {TlsOptions.SectionName}:AllowPlainHttp=true only behind a TLS-terminating proxy.");
        }

        var hasFiles = !string.IsNullOrWhiteSpace(options.CertificateFile) && !string.IsNullOrWhiteSpace(options.KeyFile);
        if (addresses.Any(ListeningAddresses.IsHttps) && !hasFiles && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail($"{TlsOptions.SectionName}:CertificateFile and {TlsOptions.SectionName}:KeyFile are required for HTTPS.");
        }

        if (hasFiles && (!File.Exists(options.CertificateFile) || !File.Exists(options.KeyFile)))
        {
            return ValidateOptionsResult.Fail($"{TlsOptions.SectionName}:CertificateFile or :KeyFile does not exist.");
        }

        return ValidateOptionsResult.Success;
    }
}

/// <summary>The addresses Kestrel will listen on, from <c>urls</c> (ASPNETCORE_URLS, --urls), <c>http_ports</c>/<c>https_ports</c> and <c>Kestrel:Endpoints</c>.</summary>
internal static class ListeningAddresses
{
    /// <summary>Kestrel's own default when nothing is configured.</summary>
    private const string KestrelDefault = "http://localhost:5000";

    public static IReadOnlyList<string> From(IConfiguration configuration)
    {
        var addresses = new List<string>();
        addresses.AddRange(Split(configuration["urls"]));
        addresses.AddRange(Split(configuration["http_ports"]).Select(p => "http://*:" + p));
        addresses.AddRange(Split(configuration["https_ports"]).Select(p => "https://*:" + p));
        addresses.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).OfType<string>());
        return addresses.Count == 0 ? [KestrelDefault] : addresses;
    }

    public static bool IsPlainHttp(string address) => address.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    public static bool IsHttps(string address) => address.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static string[] Split(string? value) =>
        (value ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
