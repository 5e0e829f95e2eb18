using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Data;

/// <summary>
/// Issue 7: the <c>totalCount</c> of a list page, kept per instance so a list does not count every row of the tenant on
/// every request (on 10,000 items the COUNT was three quarters of a list request's cost, on SQLite and PostgreSQL alike).
/// Exact within an instance: every committed write of a record set bumps the generation of (set, tenant)
/// (<see cref="ListCountInterceptor"/>), and a count is used only under the generation it was read with — a count that
/// started before a commit is never served after it. Other instances hear of a commit through Redis pub/sub
/// (<see cref="RedisListCountBroadcast"/>, scaled mode); <see cref="DatabaseOptions.ListCountCacheSeconds"/> bounds how
/// long a missed message (Redis outage, a CLI verb writing from another process) can leave a count stale. AZ-4: a count
/// is keyed by the context's tenant and never crosses tenants. Callers opt in per list with a filter key from a closed
/// set (never free text from a request: the cache must stay small), see <see cref="For{T}"/>.
/// </summary>
public sealed class ListCountCache(IOptions<DatabaseOptions> options, TimeProvider time)
{
    /// <summary>Beyond this many entries the cache starts over (a bound, not an eviction policy: lists × tenants × filters).</summary>
    internal const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(string Set, Guid Tenant, string Filter), Entry> _entries = new();
    private readonly ConcurrentDictionary<(string Set, Guid Tenant), long> _generations = new();
    private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(options.Value.ListCountCacheSeconds);
    private long _epoch;

    /// <summary>The key of one list's count: the record set (its entity type) and the list's filter values.</summary>
    public static CountKey For<T>(string filter = "") => new(typeof(T).Name, filter);

    /// <summary>The name a record set's commits are announced under (the entity type's name).</summary>
    internal static string SetOf(Type entityType) => entityType.Name;

    internal async Task<int> CountAsync<T>(IQueryable<T> query, CountKey key, Guid tenant, CancellationToken cancellationToken)
    {
        if (_lifetime <= TimeSpan.Zero)
        {
            return await query.CountAsync(cancellationToken);
        }

        var entryKey = (key.Set, tenant, key.Filter);
        // Read before counting: a commit after this point bumps the generation and the count read below is never served.
        var generation = Generation(key.Set, tenant);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(entryKey, out var entry) && entry.Generation == generation && entry.ExpiresAt > now)
        {
            return entry.Count;
        }

        var count = await query.CountAsync(cancellationToken);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[entryKey] = new Entry(generation, count, now + _lifetime);
        return count;
    }

    /// <summary>A committed write changed <paramref name="set"/> of <paramref name="tenant"/>: its counts are recounted.</summary>
    public void Invalidate(string set, Guid tenant) => _generations.AddOrUpdate((set, tenant), 1, (_, g) => g + 1);

    /// <summary>Every count is recounted (after missed invalidations, e.g. a Redis reconnect).</summary>
    public void InvalidateAll() => Interlocked.Increment(ref _epoch);

    private Generation Generation(string set, Guid tenant) =>
        new(_generations.GetValueOrDefault((set, tenant)), Volatile.Read(ref _epoch));

    private readonly record struct Entry(Generation Generation, int Count, DateTimeOffset ExpiresAt);
}

/// <summary>A list's count key for <see cref="ListCountCache"/>: the record set and the list's (closed-set) filter values.</summary>
public readonly record struct CountKey(string Set, string Filter);

internal readonly record struct Generation(long Set, long Epoch);

/// <summary>Tells the other instances that a record set of a tenant changed (scaled mode: Redis pub/sub).</summary>
internal interface IListCountBroadcast
{
    void Publish(string set, Guid tenant);
}

/// <summary>
/// Issue 7: after a write commits, the counts of the record sets it touched are recounted on this instance and announced
/// to the others. A save without a transaction counts as committed when it returns; in a transaction, at its commit.
/// Writes that bypass the change tracker (ExecuteUpdate: stock quantities, counters) add or remove no row of the lists
/// that cache their count.
/// </summary>
internal sealed class ListCountInterceptor(ListCountCache cache, IListCountBroadcast? broadcast = null)
    : DbTransactionInterceptor, ISaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, HashSet<(string Set, Guid Tenant)>> _pending = [];

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        FlushIfCommitted(eventData);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        FlushIfCommitted(eventData);
        return ValueTask.FromResult(result);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Flush(eventData);
        return Task.CompletedTask;
    }

    private void Collect(DbContextEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is not { } db)
        {
            return;
        }

        HashSet<(string, Guid)>? sets = null;
        foreach (var entry in db.ChangeTracker.Entries<TenantEntity>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                sets ??= _pending.GetOrCreateValue(db);
                sets.Add((ListCountCache.SetOf(entry.Metadata.ClrType), entry.Entity.TenantId));
            }
        }
    }

    private void FlushIfCommitted(SaveChangesCompletedEventData eventData)
    {
        if (eventData.Context is { } db && db.Database.CurrentTransaction is null)
        {
            Flush(eventData);
        }
    }

    private void Flush(DbContextEventData eventData)
    {
        if (eventData.Context is not { } db || !_pending.TryGetValue(db, out var sets) || sets.Count == 0)
        {
            return;
        }

        foreach (var (set, tenant) in sets)
        {
            cache.Invalidate(set, tenant);
            broadcast?.Publish(set, tenant);
        }

        sets.Clear();
    }
}
