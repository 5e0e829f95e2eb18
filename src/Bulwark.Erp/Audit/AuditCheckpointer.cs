using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Audit;

/// <summary>LOG-3: takes a keyed checkpoint every <see cref="AuditOptions.CheckpointInterval"/> (when the chain grew).</summary>
internal sealed partial class AuditCheckpointer(IServiceScopeFactory scopes, IOptions<AuditOptions> options, AuditCheckpointKey key,
    TimeProvider time, ILogger<AuditCheckpointer> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // LOG-3: a missing or malformed checkpoint key stops the host at start (never unkeyed checkpoints).
        _ = key.KeyId;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TakeAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // At shutdown: seal what this instance appended.
        await TakeAsync(CancellationToken.None);
    }

    private async Task TakeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().TakeAsync(cancellationToken);
        }
#pragma warning disable CA1031 // The checkpointer must outlive a database outage; each failure is logged and retried next tick.
        catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogFailed(logger, exception);
        }
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Audit checkpoint failed (retried at the next interval)")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
