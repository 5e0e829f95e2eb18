using Bulwark.Security.Audit;

namespace Bulwark.Security.Tests.Audit;

/// <summary>LOG-6: which events are critical (logged at Critical, sent to the alert webhook) — and which are not.</summary>
[Trait("Control", "LOG-6")]
public sealed class CriticalEventsTests
{
    private static bool Critical(string type, string? reason = null) =>
        SecurityEventTypes.IsCritical(new SecurityEvent { Type = type, Outcome = SecurityOutcome.Failure, Reason = reason });

    [Theory]
    [InlineData(SecurityEventTypes.RefreshReuse, null)]
    [InlineData(SecurityEventTypes.AuditChainBroken, "sequence 7: edited")]
    [InlineData(SecurityEventTypes.RateLimitStoreDegraded, null)]
    [InlineData(SecurityEventTypes.DataIntegrityFailed, null)]
    [InlineData(SecurityEventTypes.BanCreated, "scanner;offence=3;until=permanent")]
    [InlineData(SecurityEventTypes.RolesChanged, "user 1 roles [admin], 2 sessions revoked, admin_granted")]
    public void TheListedEvents_AreCritical(string type, string? reason) => Assert.True(Critical(type, reason));

    [Theory]
    [InlineData(SecurityEventTypes.BanCreated, "auth_failures;offence=1;until=2026-12-04T10:00:00.0000000+00:00")]
    [InlineData(SecurityEventTypes.RolesChanged, "user 1 roles [finance], 1 sessions revoked")]
    [InlineData(SecurityEventTypes.LoginFailed, "invalid_credentials")]
    [InlineData(SecurityEventTypes.RateLimitRejected, "login")]
    [InlineData(SecurityEventTypes.RateLimitStoreRecovered, null)]
    public void OrdinaryEvents_AreNot(string type, string? reason) => Assert.False(Critical(type, reason));
}
