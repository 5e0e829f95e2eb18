namespace Bulwark.Api.Tests.Transport;

/// <summary>
/// TLS-1 at start: plain HTTP is refused unless explicitly allowed (then it starts, with a warning), HTTPS
/// outside Development needs the certificate files, and Development generates a self-signed certificate.
/// </summary>
[Trait("Control", "TLS-1")]
public sealed class TlsStartupTests
{
    [Fact]
    public async Task Production_PlainHttpAddress_StopsTheHostNamingAllowPlainHttp_AndStartsWhenAllowed()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var settings = database.Settings();
        settings["Bulwark:Tls:AllowPlainHttp"] = "false";
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ApiProcess.StartAsync(settings, "Production", TimeSpan.FromSeconds(150)));
        Assert.Contains("Bulwark:Tls:AllowPlainHttp", error.Message, StringComparison.Ordinal);

        settings["Bulwark:Tls:AllowPlainHttp"] = "true";
        await using var api = await ApiProcess.StartAsync(settings, "Production");
        Assert.NotNull(await api.WaitForLineAsync(l => l.Contains("AllowPlainHttp is on", StringComparison.Ordinal), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Production_HttpsWithoutCertificate_StopsTheHostNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ApiProcess.StartAsync(database.Settings(), "Production", TimeSpan.FromSeconds(150), https: true));
        Assert.Contains("Bulwark:Tls:CertificateFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_HttpsWithoutCertificate_GeneratesASelfSignedOne()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        await using var api = await ApiProcess.StartAsync(database.Settings(), "Development", https: true);
        using var client = api.CreateClient();
        using var response = await client.GetAsync("/health/live");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=localhost", api.LastServerCertificate!.Subject);
        Assert.True(File.Exists(Path.Combine(database.DataDirectory, "tls-key.pem")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(database.DataDirectory, "tls-key.pem")));
        }
    }
}
