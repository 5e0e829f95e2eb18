using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;

namespace Bulwark.Api.Tests.Transport;

/// <summary>A real instance in Production serving HTTPS only, from PEM files the test wrote (and may replace).</summary>
public sealed class TlsApi : ApiProcessFixture
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("bulwark-tls-").FullName;

    public string CertificateFile => Path.Combine(Folder, "cert.pem");

    public string KeyFile => Path.Combine(Folder, "key.pem");

    public string FirstThumbprint { get; private set; } = string.Empty;

    protected override string Environment => "Production";

    protected override bool Https => true;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        FirstThumbprint = TestCertificates.Write(CertificateFile, KeyFile);
        settings["Bulwark:Tls:CertificateFile"] = CertificateFile;
        settings["Bulwark:Tls:KeyFile"] = KeyFile;
        settings["Bulwark:Tls:AllowPlainHttp"] = "false";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// TLS-1/HDR-2 over real Kestrel: TLS 1.2 and 1.3 handshakes succeed, TLS 1.0 and 1.1 are refused (probed with
/// an OpenSSL client that is shown to speak them), HTTPS responses carry HSTS, a replaced certificate is served
/// without restart, and testssl.sh finds no protocol below TLS 1.2 and no weak cipher.
/// </summary>
[Trait("Control", "TLS-1")]
public sealed class TlsTests(TlsApi fixture) : IClassFixture<TlsApi>
{
    private ApiProcess Api => fixture.Api;

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Handshake_Tls12OrTls13_Succeeds(SslProtocols protocol)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Api.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) => certificate is not null);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = protocol })
            .WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(protocol, tls.SslProtocol);
        var suite = tls.NegotiatedCipherSuite.ToString();
        Assert.True(suite.Contains("GCM", StringComparison.Ordinal) || suite.Contains("CHACHA20", StringComparison.Ordinal), suite);
    }

    [Theory]
    [InlineData("-tls1", "TLSv1")]
    [InlineData("-tls1_1", "TLSv1.1")]
    public async Task Handshake_Tls10OrTls11_IsRefused(string flag, string protocol)
    {
        // Control: the same OpenSSL client negotiates this protocol with a server that offers it.
        var controlPort = ApiProcess.FreePort();
        using (var control = StartOpenSslServer(controlPort, flag))
        {
            var accepted = await OpenSslClientAsync(controlPort, flag);
            control.Kill();
            Assert.True(Negotiated(accepted, protocol), accepted);
        }

        var refused = await OpenSslClientAsync(Api.Port, flag);
        Assert.False(Negotiated(refused, protocol), refused);
        Assert.Contains("Cipher is (NONE)", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN CERTIFICATE", refused, StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "HDR-2")]
    public async Task HttpsResponse_CarriesHsts()
    {
        using var client = Api.CreateClient();
        using var response = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=63072000; includeSubDomains; preload",
            string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task PlainHttp_OnTheHttpsPort_GetsNoApiResponse()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var outcome = await Record.ExceptionAsync(async () =>
        {
            using var response = await client.GetAsync($"http://127.0.0.1:{Api.Port}/health/live");
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Location is not null, "an API must not redirect HTTP to HTTPS");
        });
        Assert.True(outcome is null or HttpRequestException, outcome?.ToString());
    }

    [Fact]
    public async Task ReplacedCertificateFiles_AreServedWithoutRestart()
    {
        using (var client = Api.CreateClient())
        {
            (await client.GetAsync("/health/live")).Dispose();
        }

        var before = Api.LastServerCertificate!.Thumbprint;
        var next = TestCertificates.Write(fixture.CertificateFile, fixture.KeyFile, "rotated.localhost");
        Assert.NotEqual(before, next);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? served = null;
        while (DateTime.UtcNow < deadline)
        {
            using var client = Api.CreateClient();   // a new connection, so a new handshake
            using var response = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served = Api.LastServerCertificate!.Thumbprint;
            if (served == next)
            {
                break;
            }

            await Task.Delay(300);
        }

        Assert.Equal(next, served);
        Assert.Contains(Api.OutputLines, l => l.Contains("certificate reloaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TestSsl_ReportsNoProtocolBelowTls12_NoWeakCipher_AndHsts()
    {
        var json = Path.Combine(fixture.Folder, "testssl-" + Guid.NewGuid().ToString("N") + ".json");
        var info = new ProcessStartInfo(TestSslPath()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     "--quiet", "--color", "0", "--warnings", "off", "--ip", "one", "--connect-timeout", "5", "--openssl-timeout", "5",
                     "--protocols", "--std", "--headers", "--jsonfile", json, $"https://127.0.0.1:{Api.Port}/health/live",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(File.Exists(json), await output + await error);
        var findings = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement.EnumerateArray()
            .GroupBy(f => f.GetProperty("id").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("finding").GetString()!);
        string Finding(string id) => findings.TryGetValue(id, out var f) ? f : $"(no {id} in the testssl report: {string.Join(", ", findings.Keys)})";

        foreach (var weak in new[] { "SSLv2", "SSLv3", "TLS1", "TLS1_1" })
        {
            Assert.StartsWith("not offered", Finding(weak), StringComparison.Ordinal);
        }

        Assert.StartsWith("offered", Finding("TLS1_2"), StringComparison.Ordinal);
        Assert.StartsWith("offered", Finding("TLS1_3"), StringComparison.Ordinal);
        var cipherLists = findings.Keys.Where(k => k.StartsWith("cipherlist_", StringComparison.Ordinal) && k != "cipherlist_STRONG").ToList();
        Assert.True(cipherLists.Count >= 5, "testssl did not report its cipher categories: " + string.Join(", ", findings.Keys));
        foreach (var list in cipherLists)
        {
            Assert.StartsWith("not offered", Finding(list), StringComparison.Ordinal);
        }

        Assert.StartsWith("offered", Finding("cipherlist_STRONG"), StringComparison.Ordinal);
        Assert.Contains("63072000", Finding("HSTS_time"), StringComparison.Ordinal);
        Assert.Contains("includes subdomains", Finding("HSTS_subdomains"), StringComparison.Ordinal);
        Assert.Contains("IS marked for preloading", Finding("HSTS_preload"), StringComparison.Ordinal);
    }

    /// <summary>s_client prints the session block even after a failed handshake, then with "Cipher is (NONE)".</summary>
    private static bool Negotiated(string output, string protocol) =>
        output.Contains($"Protocol  : {protocol}\n", StringComparison.Ordinal) && !output.Contains("Cipher is (NONE)", StringComparison.Ordinal);

    private static string TestSslPath() =>
        new[] { "/usr/bin/testssl", "/usr/bin/testssl.sh", "/usr/local/bin/testssl.sh" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("testssl.sh is not installed (./test.sh installs the Debian package testssl.sh).");

    private Process StartOpenSslServer(int port, string flag)
    {
        var info = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { "s_server", "-accept", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-cert", fixture.CertificateFile, "-key", fixture.KeyFile, flag, "-cipher", "DEFAULT@SECLEVEL=0", "-www" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        Thread.Sleep(500);
        return process;
    }

    private static async Task<string> OpenSslClientAsync(int port, string flag)
    {
        var info = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { "s_client", "-connect", $"127.0.0.1:{port}", flag, "-cipher", "DEFAULT@SECLEVEL=0" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return await output + await error;
    }
}
