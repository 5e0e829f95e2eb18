using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// The <c>dev-token</c> verb (DESIGN.md public contract): signs the claims given on stdin with the instance's key,
/// so each claim check can be shown to bite with a token minted by the product itself; refused outside Development.
/// </summary>
[Trait("Control", "AUTH-4")]
public sealed class DevTokenTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    private async Task<(int ExitCode, string Token, string Output)> MintAsync(string claimsJson, string environment = "Development")
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bulwark.Api.dll"));
        info.ArgumentList.Add("dev-token");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        info.Environment["BULWARK_DATA_DIR"] = api.Database.DataDirectory;
        // DATA-5: the key ring that seals the signing key is encrypted under the host's master key.
        info.Environment["Bulwark__Crypto__MasterKey"] = api.Database.MasterKey;
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(claimsJson);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var output = await stdout;
        var token = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("eyJ", StringComparison.Ordinal)) ?? string.Empty;
        return (process.ExitCode, token, output + await stderr);
    }

    private async Task<string> ClaimsAsync(Action<Dictionary<string, object?>> change)
    {
        var me = TokenForge.Decode(await api.TokenForAsync("admin"));
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = "bulwark", ["aud"] = "bulwark-api",
            ["sub"] = me.GetProperty("sub").GetString(), ["tenant"] = me.GetProperty("tenant").GetString(),
            ["roles"] = new[] { "admin" }, ["sid"] = "dev-token", ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now.ToUnixTimeSeconds(), ["nbf"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };
        change(claims);
        return JsonSerializer.Serialize(claims);
    }

    private async Task<HttpStatusCode> CallWithAsync(string token)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/v1/items");
        return response.StatusCode;
    }

    [Fact]
    public async Task MintedWithValidClaims_IsAccepted()
    {
        var minted = await MintAsync(await ClaimsAsync(_ => { }));
        Assert.True(minted.ExitCode == 0, minted.Output);
        Assert.Equal(HttpStatusCode.OK, await CallWithAsync(minted.Token));
    }

    public static TheoryData<string> Breakages => new() { "expired", "future-nbf", "wrong-iss", "wrong-aud", "no-exp", "typ-JWT" };

    [Theory, MemberData(nameof(Breakages))]
    public async Task MintedWithABrokenClaim_IsRejected(string breakage)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = await ClaimsAsync(c =>
        {
            switch (breakage)
            {
                case "expired": c["exp"] = now.AddSeconds(-60).ToUnixTimeSeconds(); break;
                case "future-nbf": c["nbf"] = now.AddMinutes(2).ToUnixTimeSeconds(); break;
                case "wrong-iss": c["iss"] = "someone-else"; break;
                case "wrong-aud": c["aud"] = "another-api"; break;
                case "no-exp": c.Remove("exp"); break;
                case "typ-JWT": c["typ"] = "JWT"; break;
            }
        });
        var minted = await MintAsync(claims);
        Assert.True(minted.ExitCode == 0, minted.Output);
        Assert.Equal(HttpStatusCode.Unauthorized, await CallWithAsync(minted.Token));
    }

    [Fact]
    public async Task OutsideDevelopment_IsRefused()
    {
        var minted = await MintAsync(await ClaimsAsync(_ => { }), environment: "Production");
        Assert.NotEqual(0, minted.ExitCode);
        Assert.Empty(minted.Token);
        Assert.Contains("Development", minted.Output, StringComparison.Ordinal);
    }
}
