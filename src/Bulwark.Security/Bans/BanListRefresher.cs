using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Bans;

/// <summary>
/// BAN-1: loads the active bans from the database at start (so bans survive a restart) and every
/// <see cref="BanOptions.RefreshSeconds"/> (so bans and lifts made by other instances or the CLI reach this one), and
/// writes them back to Redis if Redis lost them. A failed refresh keeps the current list.
/// </summary>
internal sealed partial class BanListRefresher(IServiceScopeFactory scopes, BanList bans, IBanPropagation propagation,
    IOptions<BanOptions> options, TimeProvider time, ILogger<BanListRefresher> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken); // before the server accepts requests
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RefreshSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var started = time.GetTimestamp();
            var now = time.GetUtcNow();
            IReadOnlyList<BanRecord> active;
            await using (var scope = scopes.CreateAsyncScope())
            {
                active = await scope.ServiceProvider.GetRequiredService<IBanRepository>().ListAsync(activeOnly: true, now, cancellationToken);
            }

            bans.ReplaceAll(active.Select(b => new KeyValuePair<string, DateTimeOffset?>(b.Key, b.ExpiresAt)), started);
            await propagation.ReassertAsync(active, now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRefreshFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 2210, Level = LogLevel.Warning, Message = "Could not refresh the ban list ({Error}); keeping the current one")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}
