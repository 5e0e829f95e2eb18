namespace Bulwark.Api.Tests.RateLimiting;

/// <summary>OPS-4 for RL-1/RL-4/RL-5/TLS-2: an invalid limit, allow-list entry or proxy address stops the host at start.</summary>
public sealed class RateLimitingStartupTests
{
    [Theory, Trait("Control", "OPS-4"), Trait("Control", "RL-1"), Trait("Control", "TLS-2")]
    [InlineData("Bulwark:RateLimiting:Login:PermitLimit", "0", "PermitLimit")]
    [InlineData("Bulwark:RateLimiting:HashingConcurrency", "0", "HashingConcurrency")]
    [InlineData("Bulwark:RateLimiting:AllowList:0", "10.0.0.0/99", "AllowList")]
    [InlineData("Bulwark:Transport:TrustedProxies:0", "proxy.example", "TrustedProxies")]
    public async Task InvalidSetting_StopsTheHost(string key, string value, string named)
    {
        var dir = Directory.CreateTempSubdirectory("bulwark-cfg-").FullName;
        var settings = new Dictionary<string, string?> { ["BULWARK_DATA_DIR"] = dir, [key] = value };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ApiProcess.StartAsync(settings, timeout: TimeSpan.FromSeconds(150)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
