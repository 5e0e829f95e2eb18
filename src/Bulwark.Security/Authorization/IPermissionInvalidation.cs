namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-2: drops the cached permissions of a user after their roles changed (or they were deactivated), so
/// the next request resolves them from the database. Call it after the change is committed.
/// The in-memory implementation clears this instance's cache only; a distributed implementation publishes
/// the user on a channel (e.g. Redis pub/sub) and every instance's subscriber clears its own cache
/// (<see cref="PermissionCache.Invalidate"/>), so a change applies cluster-wide within the delivery delay;
/// the cache lifetime bounds the staleness if a message is lost.
/// </summary>
public interface IPermissionInvalidation
{
    ValueTask InvalidateAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken);
}
