using System.Collections.Concurrent;

namespace Bulwark.Security.Audit;

/// <summary>
/// LOG-2/LOG-3: a client over its rate limit produces one <c>ratelimit.rejected</c> per refused request, at whatever rate
/// it floods. Writing each to the log and the hash-chained audit store made rejecting cost more than serving (issue 7: the
/// audit writer took a fifth of the CPU of a 429 flood) and let a flood fill the bounded audit queue, so the events of
/// a real attack alongside it were dropped. So per (type, outcome, client IP, actor, reason) the first event of each
/// <see cref="Window"/> is recorded in full; the repeats inside the window are only counted, and the next recorded event
/// of that key names how many were left out (<c>reason: "user; +41 repeats"</c>). Metrics still count every event
/// (<see cref="ICountingAuditSink"/>); the repeats of a flood's last window, with no event after it, are in the metrics
/// only. Only high-volume rejections are coalesced (<see cref="Coalesces"/>): never logins,
/// bans, changes or anything critical.
/// </summary>
internal sealed class RepeatedEventCoalescer(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>Keys kept at most; beyond it expired windows are dropped first, then all (a bound for many-IP floods).</summary>
    internal const int MaxKeys = 10_000;

    private readonly ConcurrentDictionary<(string Type, SecurityOutcome Outcome, string? Ip, string? Actor, string? Reason), KeyWindow> _windows = new();

    public static bool Coalesces(SecurityEvent securityEvent) =>
        securityEvent.Type == SecurityEventTypes.RateLimitRejected && !SecurityEventTypes.IsCritical(securityEvent);

    /// <summary>
    /// True when <paramref name="securityEvent"/> is to be recorded; <paramref name="repeats"/> is then the number of
    /// repeats of its key left out since the previous recorded one.
    /// </summary>
    public bool ShouldRecord(SecurityEvent securityEvent, out long repeats)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        repeats = 0;
        var key = (securityEvent.Type, securityEvent.Outcome, securityEvent.ClientIp, securityEvent.ActorId, securityEvent.Reason);
        var now = time.GetUtcNow();
        while (true)
        {
            if (!_windows.TryGetValue(key, out var current))
            {
                if (_windows.Count >= MaxKeys)
                {
                    Prune(now);
                }

                if (_windows.TryAdd(key, new KeyWindow(now)))
                {
                    return true;
                }

                continue;
            }

            if (now - current.Start < Window)
            {
                Interlocked.Increment(ref current.Repeats);
                return false;
            }

            if (_windows.TryUpdate(key, new KeyWindow(now), current))
            {
                repeats = Interlocked.Read(ref current.Repeats);
                return true;
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, window) in _windows)
        {
            if (now - window.Start >= Window && Interlocked.Read(ref window.Repeats) == 0)
            {
                _windows.TryRemove(key, out _);
            }
        }

        if (_windows.Count >= MaxKeys)
        {
            _windows.Clear();
        }
    }

    private sealed class KeyWindow(DateTimeOffset start)
    {
        public readonly DateTimeOffset Start = start;
        public long Repeats;
    }
}
