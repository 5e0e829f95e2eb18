using System.Diagnostics.Metrics;
using Bulwark.Security.Audit;
using Bulwark.Security.Bans;
using Bulwark.Security.RateLimiting;
using Bulwark.Security.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bulwark.Security.Tests.RateLimiting;

/// <summary>RL-2: with Redis unreachable the store answers at once from per-instance limits, alerts once, and counts.</summary>
public sealed class RedisRateLimitStoreTests
{
    [Fact, Trait("Control", "RL-2")]
    public async Task RedisUnreachable_LimitsPerInstance_EmitsOneWarningEvent_AndRecordsTheMetrics()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { $"127.0.0.1:{UnusedPort()}" },
            AbortOnConnectFail = false,
            ConnectTimeout = 200,
            BacklogPolicy = BacklogPolicy.FailFast,
        });
        var events = new RecordingEvents();
        var bans = new BanList(TimeProvider.System);
        using var store = new RedisRateLimitStore(redis, new RedisKeys(Options.Create(new RedisOptions())), bans,
            Options.Create(new RateLimitingOptions { ExpectedInstances = 4 }), events, TimeProvider.System,
            services.GetRequiredService<IMeterFactory>(), NullLogger<RedisRateLimitStore>.Instance);

        long fallbacks = 0;
        var degraded = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RedisRateLimitStore.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, value, _, _) =>
        {
            if (i.Name == "bulwark.ratelimit.fallback_requests")
            {
                Interlocked.Add(ref fallbacks, value);
            }
        });
        listener.SetMeasurementEventCallback<int>((i, value, _, _) =>
        {
            if (i.Name == "bulwark.ratelimit.store_degraded")
            {
                degraded = value;
            }
        });
        listener.Start();

        // Cluster limit 10 ÷ 4 expected instances = 2 per instance.
        var rule = new RateLimitRule("global", 10, TimeSpan.FromSeconds(60), 6, RateLimitTier.Global);
        RateLimitCheck[] checks = [new(rule, "ip:192.0.2.1")];
        var verdicts = new List<RateLimitVerdict>();
        for (var i = 0; i < 3; i++)
        {
            verdicts.Add(await store.AcquireAsync(checks, "ip:192.0.2.1", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        }

        Assert.Empty(verdicts[0].Refusals);
        Assert.Empty(verdicts[1].Refusals);
        Assert.Single(verdicts[2].Refusals);
        Assert.True(store.IsDegraded);
        listener.RecordObservableInstruments();
        Assert.Equal(3, Interlocked.Read(ref fallbacks));
        Assert.Equal(1, degraded);
        var warning = Assert.Single(events.Events);
        Assert.Equal(SecurityEventTypes.RateLimitStoreDegraded, warning.Type);
        Assert.Equal(SecurityOutcome.Failure, warning.Outcome);

        // BAN-1: the instance's ban list answers without Redis.
        bans.Add("ip:192.0.2.9", null);
        var banned = await store.AcquireAsync(checks, "ip:192.0.2.9", CancellationToken.None);
        Assert.True(banned.Banned);
        Assert.Null(banned.BanRemaining);
    }

    private static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RecordingEvents : ISecurityEvents
    {
        public List<SecurityEvent> Events { get; } = [];

        public void Emit(SecurityEvent securityEvent) => Events.Add(securityEvent);

        public void Emit(HttpContext context, string type, SecurityOutcome outcome, string? reason = null, string? actorId = null,
            string? tenantId = null) => throw new NotSupportedException();
    }
}
