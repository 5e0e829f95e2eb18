using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2: per-instance cache of resolved permissions, keyed by (tenant, user). Entries live for
/// <see cref="BulwarkAuthorizationOptions.PermissionCacheSeconds"/>; <see cref="Invalidate"/> removes one at once.
/// A load that started before an invalidation never stores its (possibly stale) result: every key has a
/// generation that invalidation bumps, and a result is kept only if the generation is unchanged.
/// </summary>
internal sealed class PermissionCache(IOptions<BulwarkAuthorizationOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(Guid Tenant, Guid User), Entry> _entries = new();
    private readonly ConcurrentDictionary<(Guid Tenant, Guid User), long> _generations = new();
    private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(options.Value.PermissionCacheSeconds);

    public bool TryGet(Guid tenantId, Guid userId, out CallerPermissions permissions)
    {
        if (_entries.TryGetValue((tenantId, userId), out var entry) && entry.ExpiresAt > time.GetUtcNow())
        {
            permissions = entry.Permissions;
            return true;
        }

        permissions = CallerPermissions.None;
        return false;
    }

    public long Generation(Guid tenantId, Guid userId) => _generations.GetValueOrDefault((tenantId, userId));

    public void Set(Guid tenantId, Guid userId, long generation, CallerPermissions permissions)
    {
        if (_lifetime <= TimeSpan.Zero)
        {
            return;
        }

        var key = (tenantId, userId);
        _entries[key] = new Entry(permissions, time.GetUtcNow() + _lifetime);
        if (Generation(tenantId, userId) != generation)
        {
            // Invalidated while loading: what was just stored may predate the change.
            _entries.TryRemove(key, out _);
        }
    }

    /// <summary>Removes the user's entry; loads in flight will not store theirs.</summary>
    public void Invalidate(Guid tenantId, Guid userId)
    {
        var key = (tenantId, userId);
        _generations.AddOrUpdate(key, 1, (_, g) => g + 1);
        _entries.TryRemove(key, out _);
    }

    /// <summary>Drops every entry (after missed invalidations, e.g. a Redis outage); loads in flight for them will not store.</summary>
    public void InvalidateAll()
    {
        foreach (var key in _entries.Keys)
        {
            Invalidate(key.Tenant, key.User);
        }
    }

    private sealed record Entry(CallerPermissions Permissions, DateTimeOffset ExpiresAt);
}

/// <summary>AZ-2: single-instance invalidation (embedded mode): clears this instance's cache.</summary>
internal sealed class InMemoryPermissionInvalidation(PermissionCache cache) : IPermissionInvalidation
{
    public ValueTask InvalidateAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken)
    {
        cache.Invalidate(tenantId, userId);
        return ValueTask.CompletedTask;
    }
}

/// <summary>AZ-2: cache first, then the application's <see cref="IPermissionSource"/>.</summary>
internal sealed class CachingPermissionResolver(PermissionCache cache, IServiceProvider services) : IPermissionResolver
{
    // Issue 7: the source (and the DbContext behind it) is resolved on a cache miss only. The framework builds every
    // authorization handler, and so this resolver, for every request, anonymous ones included.
    private IPermissionSource Source => services.GetRequiredService<IPermissionSource>();

    public async ValueTask<CallerPermissions> ResolveAsync(Authentication.CallerContext caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!cache.TryGet(caller.TenantId, caller.UserId, out var permissions))
        {
            var generation = cache.Generation(caller.TenantId, caller.UserId);
            permissions = await Source.LoadAsync(caller.TenantId, caller.UserId, cancellationToken);
            cache.Set(caller.TenantId, caller.UserId, generation, permissions);
        }

        // AUTH-9: an API key holds at most its creator's current permissions, and only those it is scoped to.
        return caller.Scopes is null ? permissions : permissions.Within(caller.Scopes);
    }
}
