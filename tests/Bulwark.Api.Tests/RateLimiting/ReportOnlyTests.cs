namespace Bulwark.Api.Tests.RateLimiting;

/// <summary>A real instance at the product's limits with the login and global tiers in report-only mode.</summary>
public sealed class ReportOnlyApi : ApiProcessFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        RelaxedRateLimits.Remove(settings);
        settings["Bulwark:RateLimiting:Login:ReportOnly"] = "true";
        settings["Bulwark:RateLimiting:Global:ReportOnly"] = "true";
    }
}

public sealed class ReportOnlyTests(ReportOnlyApi instance) : IClassFixture<ReportOnlyApi>
{
    [Fact, Trait("Control", "RL-2"), Trait("Control", "RL-1")]
    public async Task ReportOnlyTier_OverTheLimit_RejectsNothingButEmitsTheEvent()
    {
        for (var i = 0; i < 7; i++)
        {
            var response = await RateLimitWire.LoginAsync(instance.Api, "127.0.5.1");
            Assert.True(response.Status == 401, $"attempt {i + 1} got {response.Status}");
            Assert.Null(response.Header("Retry-After"));
        }

        await RateLimitWire.EventAsync(instance.Api, "127.0.5.1", "login;report-only");
    }

    [Fact, Trait("Control", "RL-2"), Trait("Control", "RL-1")]
    public async Task EnforcedTier_NextToAReportOnlyOne_StillRejects()
    {
        // Auth (10/min) is enforced; login (5/min) only reports.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(401, (await RateLimitWire.LoginAsync(instance.Api, "127.0.5.2")).Status);
        }

        RateLimitWire.Is429(await RateLimitWire.LoginAsync(instance.Api, "127.0.5.2"), "auth", 10);
    }
}
