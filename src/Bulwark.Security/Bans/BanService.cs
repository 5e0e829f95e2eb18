using System.Collections.Concurrent;
using System.Globalization;
using Bulwark.Security.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Bans;

/// <summary>
/// BAN-1: issues and lifts bans. A ban is recorded in the database first (escalation 24 h → 7 d → permanent by
/// offence count, remembered across restarts), then put into this instance's <see cref="BanList"/> and propagated to
/// the other instances (Redis in scaled mode). Every ban and lift is a security event (LOG-2/LOG-3 audit).
/// </summary>
internal sealed partial class BanService(IServiceScopeFactory scopes, BanList bans, IBanPropagation propagation,
    IOptions<BanOptions> options, ISecurityEvents events, TimeProvider time, ILogger<BanService> logger) : IBanAdministration
{
    private readonly BanOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, byte> _issuing = new(StringComparer.Ordinal);

    public bool ReportOnly => _options.ReportOnly;

    /// <summary>Bans the client of <paramref name="context"/>; false in report-only mode (nothing banned).</summary>
    public async Task<bool> BanAsync(HttpContext context, string key, string reason)
    {
        if (_options.ReportOnly)
        {
            LogWouldBan(logger, reason);
            events.Emit(context, SecurityEventTypes.BanReported, SecurityOutcome.Success, reason: reason + ";report-only");
            return false;
        }

        if (bans.IsBanned(key, out _) || !_issuing.TryAdd(key, 0))
        {
            return true; // already banned, or another request of this client is issuing the ban right now
        }

        try
        {
            var now = time.GetUtcNow();
            BanRecord record;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                record = await scope.ServiceProvider.GetRequiredService<IBanRepository>()
                    .RecordOffenceAsync(key, BanKeys.ToAddress(key), reason, now, _options.DurationFor, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // BAN-1: database unreachable → the ban still applies here, as a first offence, and is logged; it is
                // not remembered across a restart (the escalation count cannot be read either).
                LogPersistFailed(logger, ex);
                record = new BanRecord
                {
                    Key = key, Address = BanKeys.ToAddress(key), Offences = 1, Reason = reason, BannedAt = now,
                    ExpiresAt = now + _options.DurationFor(1),
                };
            }

            bans.Add(key, record.ExpiresAt);
            await PropagateAsync(() => propagation.BanAsync(key, record.ExpiresAt));
            var until = record.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture) ?? "permanent";
            events.Emit(context, SecurityEventTypes.BanCreated, SecurityOutcome.Denied,
                reason: $"{reason};offence={record.Offences};until={until}", actorId: "system");
            return true;
        }
        finally
        {
            _issuing.TryRemove(key, out _);
        }
    }

    public async Task<IReadOnlyList<BanRecord>> ListAsync(bool activeOnly, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IBanRepository>().ListAsync(activeOnly, time.GetUtcNow(), cancellationToken);
    }

    public async Task<(bool Valid, BanRecord? Record)> GetAsync(string address, CancellationToken cancellationToken)
    {
        if (!BanKeys.TryFromAddress(address, out var key))
        {
            return (false, null);
        }

        await using var scope = scopes.CreateAsyncScope();
        return (true, await scope.ServiceProvider.GetRequiredService<IBanRepository>().GetAsync(key, cancellationToken));
    }

    public async Task<(bool Valid, BanRecord? Record)> LiftAsync(string address, string actor, CancellationToken cancellationToken)
    {
        if (!BanKeys.TryFromAddress(address, out var key))
        {
            return (false, null);
        }

        BanRecord? record;
        await using (var scope = scopes.CreateAsyncScope())
        {
            record = await scope.ServiceProvider.GetRequiredService<IBanRepository>().LiftAsync(key, actor, time.GetUtcNow(), cancellationToken);
        }

        bans.Remove(key);
        await PropagateAsync(() => propagation.LiftAsync(key));
        if (record is not null)
        {
            events.Emit(new SecurityEvent
            {
                Type = SecurityEventTypes.BanLifted,
                Outcome = SecurityOutcome.Success,
                Time = time.GetUtcNow(),
                ActorId = actor,
                ClientIp = record.Address,
                Reason = $"offences={record.Offences.ToString(CultureInfo.InvariantCulture)}",
            });
        }

        return (true, record);
    }

    private async Task PropagateAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // BAN-1: Redis down → this instance applies the change now, the others within one refresh from the database.
            LogPropagationFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "Ban detector {Reason} would ban this client (report-only)")]
    private static partial void LogWouldBan(ILogger logger, string reason);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Error, Message = "Could not record a ban in the database; banned on this instance only")]
    private static partial void LogPersistFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Could not propagate a ban change through Redis ({Error}); other instances pick it up from the database")]
    private static partial void LogPropagationFailed(ILogger logger, string error);
}
