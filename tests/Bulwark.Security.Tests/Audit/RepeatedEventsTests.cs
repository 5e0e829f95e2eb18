using Bulwark.Security.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Security.Tests.Audit;

/// <summary>
/// LOG-2/LOG-3 (issue 7): a flood of 429s reaches the log and the audit store as one event per client, actor and tier
/// per 10 s (with the count of the repeats left out), while metrics count every refused request and every other event
/// is recorded as before.
/// </summary>
[Trait("Control", "LOG-2")]
public sealed class RepeatedEventsTests
{
    private readonly ManualTime _time = new();
    private readonly RecordingSink _store = new();
    private readonly CountingSink _metrics = new();

    private LoggingSecurityEvents Events() => new(NullLoggerFactory.Instance, _time, [_store, _metrics]);

    private static SecurityEvent Rejected(string ip, string tier = "user", string? actor = "u1") => new()
    {
        Type = SecurityEventTypes.RateLimitRejected, Outcome = SecurityOutcome.Denied, ClientIp = ip, ActorId = actor, Reason = tier,
    };

    [Fact]
    public void AFloodOf429s_IsRecordedOncePerWindow_WithTheRepeatsCounted_AndMetricsSeeEveryOne()
    {
        var events = Events();
        for (var i = 0; i < 50; i++)
        {
            events.Emit(Rejected("10.0.0.1"));
        }

        Assert.Single(_store.Events);
        Assert.Equal("user", _store.Events[0].Reason);
        Assert.Equal(50, _metrics.Count);

        // Another client, another tier or another actor is its own key: recorded at once.
        events.Emit(Rejected("10.0.0.2"));
        events.Emit(Rejected("10.0.0.1", tier: "global"));
        events.Emit(Rejected("10.0.0.1", actor: null));
        Assert.Equal(4, _store.Events.Count);

        // After the window the next one is recorded again and says how many were left out before it.
        _time.Advance(RepeatedEventCoalescer.Window);
        events.Emit(Rejected("10.0.0.1"));
        Assert.Equal(5, _store.Events.Count);
        Assert.Equal("user; +49 repeats", _store.Events[^1].Reason);
        Assert.Equal("10.0.0.1", _store.Events[^1].ClientIp);
        Assert.Equal(54, _metrics.Count);

        // A quiet key starts clean: nothing left out, nothing claimed.
        _time.Advance(RepeatedEventCoalescer.Window);
        events.Emit(Rejected("10.0.0.2"));
        Assert.Equal("user", _store.Events[^1].Reason);
    }

    [Fact]
    public void OtherEvents_AreNeverCoalesced()
    {
        var events = Events();
        for (var i = 0; i < 5; i++)
        {
            events.Emit(new SecurityEvent
            {
                Type = SecurityEventTypes.LoginFailed, Outcome = SecurityOutcome.Failure, ClientIp = "10.0.0.1", Reason = "invalid_credentials",
            });
            events.Emit(new SecurityEvent { Type = SecurityEventTypes.TokenRejected, Outcome = SecurityOutcome.Failure, ClientIp = "10.0.0.1" });
        }

        Assert.Equal(10, _store.Events.Count);
        Assert.Equal(10, _metrics.Count);
    }

    [Fact]
    public void ManyClients_KeepTheKeysBounded()
    {
        var events = Events();
        for (var i = 0; i < RepeatedEventCoalescer.MaxKeys + 50; i++)
        {
            events.Emit(Rejected("10.1." + (i / 256) + "." + (i % 256)));
        }

        // Each new client's first refusal is recorded (pruning forgets windows, it never hides a new client).
        Assert.Equal(RepeatedEventCoalescer.MaxKeys + 50, _store.Events.Count);
    }

    private sealed class RecordingSink : IAuditSink
    {
        public List<SecurityEvent> Events { get; } = [];

        public void Write(SecurityEvent securityEvent) => Events.Add(securityEvent);
    }

    private sealed class CountingSink : ICountingAuditSink
    {
        public int Count { get; private set; }

        public void Write(SecurityEvent securityEvent) => Count++;
    }
}
