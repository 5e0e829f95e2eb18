using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-9: per-instance cache of stored API key records by prefix, so an authenticated integration costs no
/// database read per request. Entries live <see cref="ApiKeyOptions.CacheLifetime"/>; revocation does not wait
/// for that (the revocation set is checked on every request). Only keys that exist are cached: a flood of
/// made-up prefixes reads the database each time and is bounded by the rate limits and bans instead.
/// </summary>
internal sealed class ApiKeyCache(IOptions<ApiKeyOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ApiKeyOptions _options = options.Value;

    public async ValueTask<Entry?> GetAsync(string prefix, IApiKeyStore store, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(prefix, out var cached) && cached.LoadedAt + _options.CacheLifetime > now)
        {
            return cached;
        }

        var record = await store.FindByPrefixAsync(prefix, cancellationToken);
        if (record is null)
        {
            _entries.TryRemove(prefix, out _);
            return null;
        }

        var entry = new Entry(record, now, cached?.LastUseWritten ?? record.LastUsedAt ?? DateTimeOffset.MinValue);
        if (_options.CacheLifetime > TimeSpan.Zero)
        {
            _entries[prefix] = entry;
        }

        return entry;
    }

    public void Invalidate(string prefix) => _entries.TryRemove(prefix, out _);

    /// <summary>True when this request should write the key's last-used time (at most once per resolution, per instance).</summary>
    public bool ShouldRecordUse(Entry entry, DateTimeOffset now) => entry.TryClaimUseWrite(now, _options.LastUsedResolution);

    internal sealed class Entry(ApiKeyRecord record, DateTimeOffset loadedAt, DateTimeOffset lastUseWritten)
    {
        private long _lastUseWrittenTicks = lastUseWritten.UtcTicks;

        public ApiKeyRecord Record { get; } = record;

        public DateTimeOffset LoadedAt { get; } = loadedAt;

        public DateTimeOffset LastUseWritten => new(Interlocked.Read(ref _lastUseWrittenTicks), TimeSpan.Zero);

        public bool TryClaimUseWrite(DateTimeOffset now, TimeSpan resolution)
        {
            var last = Interlocked.Read(ref _lastUseWrittenTicks);
            return now.UtcTicks - last >= resolution.Ticks
                && Interlocked.CompareExchange(ref _lastUseWrittenTicks, now.UtcTicks, last) == last; // one request claims it
        }
    }
}
