using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Audit;

/// <summary>LOG-5: runs <see cref="AuditRetention"/> every <see cref="AuditOptions.RetentionInterval"/> (0: off).</summary>
internal sealed partial class AuditRetentionJob(IServiceScopeFactory scopes, IOptions<AuditOptions> options, TimeProvider time,
    ILogger<AuditRetentionJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetentionInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var purge = await scope.ServiceProvider.GetRequiredService<AuditRetention>().PurgeAsync(time.GetUtcNow(), stoppingToken);
                    LogPurged(logger, purge.PrefixRemoved, purge.Tombstoned, purge.PurgedThrough);
                }
#pragma warning disable CA1031 // Retention must outlive a failed run (database down, no DELETE grant); logged, retried next interval.
                catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    LogFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Audit retention: {Removed} old events removed, {Tombstoned} security events purged, chain kept from sequence {PurgedThrough}")]
    private static partial void LogPurged(ILogger logger, long removed, long tombstoned, long purgedThrough);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "Audit retention run failed (retried at the next interval)")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
