namespace Bulwark.Api.Tests.Operations;

/// <summary>OPS-4: invalid configuration stops the host at start, naming the setting; valid configuration starts.</summary>
[Trait("Control", "OPS-4")]
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Bulwark:Jwt:ClockSkewSeconds", "120", "ClockSkewSeconds")]
    [InlineData("Bulwark:Transport:MaxRequestBodyBytes", "1", "MaxRequestBodyBytes")]
    [InlineData("Bulwark:Database:Provider", "Oracle", "Provider")]
    [InlineData("Bulwark:Sessions:ReuseGraceWindow", "00:05:00", "ReuseGraceWindow")]
    [InlineData("Bulwark:Sessions:IdleTimeout", "60.00:00:00", "IdleTimeout")]
    [InlineData("ALLOWED_ORIGINS", "null", "ALLOWED_ORIGINS")]
    [InlineData("ALLOWED_ORIGINS", "*", "ALLOWED_ORIGINS")]
    public async Task InvalidSetting_StopsTheHost(string key, string value, string named)
    {
        var dir = Directory.CreateTempSubdirectory("bulwark-cfg-").FullName;
        var settings = new Dictionary<string, string?> { ["BULWARK_DATA_DIR"] = dir, [key] = value };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ApiProcess.StartAsync(settings, timeout: TimeSpan.FromSeconds(150)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidSettings_Start()
    {
        var dir = Directory.CreateTempSubdirectory("bulwark-cfg-").FullName;
        await using var api = await ApiProcess.StartAsync(new Dictionary<string, string?>
        {
            ["BULWARK_DATA_DIR"] = dir,
            ["Bulwark:Jwt:ClockSkewSeconds"] = "10",
            ["ALLOWED_ORIGINS"] = "https://app.example",
        });
        using var client = api.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }
}
