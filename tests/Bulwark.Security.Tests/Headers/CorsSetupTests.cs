using Bulwark.Security.Headers;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Bulwark.Security.Tests.Headers;

/// <summary>HDR-3: how the allow-list is read and matched.</summary>
[Trait("Control", "HDR-3")]
public sealed class CorsSetupTests
{
    [Fact]
    public void ConfiguredOrigin_WithUpperCaseHost_MatchesTheBrowserSerialization()
    {
        var policy = Policy("https://App.Example");
        Assert.True(policy.IsOriginAllowed("https://app.example"));
        Assert.False(policy.IsOriginAllowed("https://app.example.evil.com"));
        Assert.True(policy.SupportsCredentials);
    }

    [Fact]
    public void NoOrigins_AllowsNoneAndNoCredentials()
    {
        var policy = Policy(string.Empty);
        Assert.False(policy.IsOriginAllowed("https://app.example"));
        Assert.False(policy.IsOriginAllowed("null"));
        Assert.False(policy.SupportsCredentials);
        Assert.False(policy.AllowAnyOrigin);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("NULL")]
    [InlineData("*")]
    [InlineData("https://*.app.example")]
    [InlineData("https://app.example/")]
    [InlineData("https://app.example/path")]
    [InlineData("https://app.example?x=1")]
    [InlineData("https://app.example#x")]
    [InlineData("https://u:p@app.example")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    public void ReadOrigins_WithAnInvalidOrigin_Throws(string origin)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [CorsSetup.ConfigurationKey] = "https://ok.example," + origin })
            .Build();
        var error = Assert.Throws<InvalidOperationException>(() => CorsSetup.ReadOrigins(configuration));
        Assert.Contains(CorsSetup.ConfigurationKey, error.Message, StringComparison.Ordinal);
    }

    private static CorsPolicy Policy(string origins)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [CorsSetup.ConfigurationKey] = origins })
            .Build();
        var options = new CorsOptions();
        CorsSetup.Configure(options, CorsSetup.ReadOrigins(configuration));
        return options.GetPolicy(CorsSetup.PolicyName)!;
    }
}
