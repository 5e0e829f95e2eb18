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
    private readonly Lock _writes = new();
    private readonly Dictionary<string, long> _localChanges = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, DateTimeOffset?> _bans = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="key"/> is banned now; <paramref name="remaining"/> null = permanent.</summary>
    public bool IsBanned(string key, out TimeSpan? remaining)
    {
        remaining = null;
        if (!Volatile.Read(ref _bans).TryGetValue(key, out var until))
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
            return false;
        }

        remaining = left;
        return true;
    }

    public int Count => Volatile.Read(ref _bans).Count;

    public void Add(string key, DateTimeOffset? until)
    {
        lock (_writes)
        {
            _bans[key] = until;
            _localChanges[key] = time.GetTimestamp();
        }
    }

    public void Remove(string key)
    {
        lock (_writes)
        {
            _bans.TryRemove(key, out _);
            _localChanges[key] = time.GetTimestamp();
        }
    }

    /// <summary>
    /// Replaces the list with a snapshot of the database (the shared source of truth) read from
    /// <paramref name="snapshotStarted"/> on; this instance's own changes made since then win over the snapshot.
    /// </summary>
    public void ReplaceAll(IEnumerable<KeyValuePair<string, DateTimeOffset?>> snapshot, long snapshotStarted)
    {
        var next = new ConcurrentDictionary<string, DateTimeOffset?>(snapshot, StringComparer.Ordinal);
        lock (_writes)
        {
            foreach (var (key, changedAt) in _localChanges.ToList())
            {
                if (changedAt < snapshotStarted)
                {
                    _localChanges.Remove(key);
                }
                else if (_bans.TryGetValue(key, out var until))
                {
                    next[key] = until;
                }
                else
                {
                    next.TryRemove(key, out _);
                }
            }

            Volatile.Write(ref _bans, next);
        }
    }
}
