using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-4: loads the signing keys before the server takes requests, then every refresh interval re-reads them
/// (keys announced by another instance or by <c>rotate-keys</c>), rotates on schedule and retires expired keys.
/// Database down at start: the host still starts, logins fail with a generic 500 and tokens 401 until the keys load.
/// </summary>
internal sealed partial class SigningKeyRefresher(SigningKeyStore keys, IOptions<SigningKeyOptions> options, TimeProvider time,
    ILogger<SigningKeyRefresher> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await keys.RefreshAsync(maintain: true, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRefreshFailed(logger, exception);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await keys.RefreshAsync(maintain: true, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The previous snapshot stays in use; next tick tries again.
                    LogRefreshFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Could not refresh the signing keys; keeping the keys already loaded")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
