using System.Collections.Concurrent;

namespace Bulwark.Security.Bans;

/// <summary>
/// BAN-1: this instance's copy of the active bans, keyed by client partition key (<c>ip:1.2.3.4</c>,
/// <c>ip6:2001:db8:1:2::</c> for a /64). The embedded-mode ban check and the scaled-mode fallback (Redis down) read
/// it; it is filled at start and kept fresh from the database, and updated at once by this instance's own bans and lifts.
/// A lookup is one dictionary read: no I/O on the hot path.
/// </summary>
internal sealed class BanList(TimeProvider time)
{
    private ConcurrentDictionary<string, DateTimeOffset?> _bans = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="key"/> is banned now; <paramref name="remaining"/> null = permanent.</summary>
    public bool IsBanned(string key, out TimeSpan? remaining)
    {
        remaining = null;
        if (!_bans.TryGetValue(key, out var until))
        {
            return false;
        }

        if (until is null)
        {
            return true;
        }

        var left = until.Value - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            _bans.TryRemove(new KeyValuePair<string, DateTimeOffset?>(key, until));
            return false;
        }

        remaining = left;
        return true;
    }

    public void Add(string key, DateTimeOffset? until) => _bans[key] = until;

    public void Remove(string key) => _bans.TryRemove(key, out _);

    /// <summary>Replaces the whole list (a refresh from the database, the shared source of truth).</summary>
    public void ReplaceAll(IEnumerable<KeyValuePair<string, DateTimeOffset?>> bans) =>
        Volatile.Write(ref _bans, new ConcurrentDictionary<string, DateTimeOffset?>(bans, StringComparer.Ordinal));
}
