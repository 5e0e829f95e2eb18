namespace Bulwark.Security.Bans;

/// <summary>
/// BAN-1: how a ban reaches the other instances at once. Scaled mode: a Redis key the per-request script checks
/// (<see cref="RedisBanPropagation"/>). Embedded mode: nothing to do (one instance; the database is re-read anyway).
/// </summary>
internal interface IBanPropagation
{
    Task BanAsync(string key, DateTimeOffset? until);

    Task LiftAsync(string key);

    /// <summary>Writes the active bans back when the shared store lost them (a Redis restart).</summary>
    Task ReassertAsync(IReadOnlyList<BanRecord> active, DateTimeOffset now);
}

internal sealed class LocalBanPropagation : IBanPropagation
{
    public Task BanAsync(string key, DateTimeOffset? until) => Task.CompletedTask;

    public Task LiftAsync(string key) => Task.CompletedTask;

    public Task ReassertAsync(IReadOnlyList<BanRecord> active, DateTimeOffset now) => Task.CompletedTask;
}
