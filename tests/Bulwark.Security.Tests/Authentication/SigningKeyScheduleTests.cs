using Bulwark.Security.Authentication;

namespace Bulwark.Security.Tests.Authentication;

/// <summary>AUTH-4: the key lifecycle as a function of stored keys and time (the part that takes real minutes end to end).</summary>
[Trait("Control", "AUTH-4")]
public sealed class SigningKeyScheduleTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(16);

    private static SigningKeyRecord Key(string kid, int generation, DateTime activatesAt, DateTime? retiredAt = null) =>
        new(kid, generation, [1], "sealed", T0, activatesAt, retiredAt);

    private static readonly SigningKeyRecord First = Key("k1", 1, T0);
    private static readonly SigningKeyRecord Second = Key("k2", 2, T0.AddDays(30));
    private static readonly SigningKeyRecord[] Both = [First, Second];

    private static string[] Kids(IEnumerable<SigningKeyRecord> keys) => keys.Select(k => k.KeyId).ToArray();

    [Fact]
    public void AnnouncedKey_IsPublished_ButNeitherSignsNorValidates_BeforeItsActivation()
    {
        var now = T0.AddDays(29);

        Assert.Equal("k1", SigningKeySchedule.Active(Both, now)!.KeyId);
        Assert.Equal(SigningKeyState.Announced, SigningKeySchedule.State(Both, Second, now, Retention));
        Assert.Equal(["k1", "k2"], Kids(SigningKeySchedule.Published(Both, now, Retention)));
        Assert.Equal(["k1"], Kids(SigningKeySchedule.Validating(Both, now, Retention, TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public void AfterActivation_TheNewKeySigns_AndThePreviousOneKeepsValidatingUntilItsLastTokenExpired()
    {
        var justAfter = T0.AddDays(30).AddSeconds(1);
        var stillValid = T0.AddDays(30) + Retention - TimeSpan.FromSeconds(1);

        Assert.Equal("k2", SigningKeySchedule.Active(Both, justAfter)!.KeyId);
        Assert.Equal(SigningKeyState.Retiring, SigningKeySchedule.State(Both, First, stillValid, Retention));
        Assert.Equal(["k1", "k2"], Kids(SigningKeySchedule.Validating(Both, stillValid, Retention, TimeSpan.Zero)));
        Assert.Equal(["k1", "k2"], Kids(SigningKeySchedule.Published(Both, stillValid, Retention)));
    }

    [Fact]
    public void OnceEveryTokenOfThePreviousKeyExpired_ItIsRetired_NeitherPublishedNorAccepted()
    {
        var after = T0.AddDays(30) + Retention;

        Assert.Equal(SigningKeyState.Retired, SigningKeySchedule.State(Both, First, after, Retention));
        Assert.Equal(after, SigningKeySchedule.RetiresAt(Both, First, Retention));
        Assert.Equal(["k2"], Kids(SigningKeySchedule.Published(Both, after, Retention)));
        Assert.Equal(["k2"], Kids(SigningKeySchedule.Validating(Both, after, Retention, TimeSpan.FromSeconds(30))));
        Assert.Null(SigningKeySchedule.RetiresAt(Both, Second, Retention));
    }

    [Fact]
    public void AKeyMarkedRetired_IsNeverActive_EvenWithoutASuccessor()
    {
        SigningKeyRecord[] keys = [Key("k1", 1, T0, retiredAt: T0.AddDays(1))];

        Assert.Null(SigningKeySchedule.Active(keys, T0.AddDays(2)));
        Assert.Empty(SigningKeySchedule.Published(keys, T0.AddDays(2), Retention));
    }

    [Fact]
    public void AnnouncedKeyWithinTheSkewOfItsActivation_Validates_ForInstancesWhoseClockRunsAhead()
    {
        var now = T0.AddDays(30).AddSeconds(-10);

        Assert.Equal(["k1"], Kids(SigningKeySchedule.Validating(Both, now, Retention, TimeSpan.FromSeconds(5))));
        Assert.Equal(["k1", "k2"], Kids(SigningKeySchedule.Validating(Both, now, Retention, TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public void ValidatingWindow_HoldsOneAnswer_FromItsStartToItsEnd_AcrossTheWholeSchedule()
    {
        // Issue 7: SigningKeyStore reuses one answer inside the window; it must never span a change of the answer.
        var skew = TimeSpan.FromSeconds(30);
        SigningKeyRecord[] keys = [Key("k0", 0, T0.AddDays(-40), retiredAt: T0.AddDays(-1)), First, Second, Key("k3", 3, T0.AddDays(60))];
        var changes = 0;
        string[]? previous = null;
        for (var now = T0.AddDays(-41); now < T0.AddDays(62); now += TimeSpan.FromMinutes(3))
        {
            var answer = Kids(SigningKeySchedule.Validating(keys, now, Retention, skew));
            var (from, until) = SigningKeySchedule.ValidatingWindow(keys, now, Retention, skew);

            Assert.InRange(now, from, until.AddTicks(-1));
            var first = from == DateTime.MinValue ? now.AddDays(-5) : from;   // the ends of time are not probed (no arithmetic there)
            var last = until == DateTime.MaxValue ? now.AddDays(5) : until.AddTicks(-1);
            Assert.Equal(answer, Kids(SigningKeySchedule.Validating(keys, first, Retention, skew)));
            Assert.Equal(answer, Kids(SigningKeySchedule.Validating(keys, last, Retention, skew)));
            if (previous is not null && !previous.SequenceEqual(answer))
            {
                changes++;
                Assert.True(now - from < TimeSpan.FromMinutes(3), $"the answer changed at {from:O}, but the window started earlier");
            }

            previous = answer;
        }

        Assert.True(changes >= 5, $"{changes} changes: the schedule under test should activate and retire several keys");
        Assert.Equal((DateTime.MinValue, T0 - skew), SigningKeySchedule.ValidatingWindow([First], T0.AddDays(-1), Retention, skew));
        Assert.Equal((T0 - skew, DateTime.MaxValue), SigningKeySchedule.ValidatingWindow([First], T0.AddDays(1), Retention, skew));
    }
}
