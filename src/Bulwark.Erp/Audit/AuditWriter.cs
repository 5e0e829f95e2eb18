using System.Text.Json;
using Bulwark.Erp.Data;
using Bulwark.Security.Audit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: stores queued security events in the chained audit store, in batches (one transaction and
/// one chain lock per batch), through the same <see cref="UnitOfWork"/> as every other write. A failed
/// batch is retried a few times and then dropped with an error log (the events' log lines exist);
/// at shutdown what is queued is stored before the host stops.
/// </summary>
internal sealed partial class AuditWriter(AuditQueue queue, IServiceScopeFactory scopes, TimeProvider time, ILogger<AuditWriter> logger) : BackgroundService
{
    private const int MaxBatch = 256;
    private const int MaxAttempts = 3;
    private const int MaxLength = 256;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<SecurityEvent>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                Drain(batch);
                await WriteAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Shutdown: store what requests already handed over.
        queue.Complete();
        while (true)
        {
            Drain(batch);
            if (batch.Count == 0)
            {
                return;
            }

            await WriteAsync(batch, CancellationToken.None);
        }
    }

    private void Drain(List<SecurityEvent> batch)
    {
        while (batch.Count < MaxBatch && queue.Reader.TryRead(out var securityEvent))
        {
            batch.Add(securityEvent);
        }
    }

    private async Task WriteAsync(List<SecurityEvent> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        if (queue.TakeDropped() is > 0 and var dropped)
        {
            LogDropped(logger, dropped);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
                await scope.ServiceProvider.GetRequiredService<UnitOfWork>().RunAsync(_ =>
                {
                    var now = time.GetUtcNow().UtcDateTime;
                    db.AuditEvents.AddRange(batch.Select(e => ToAuditEvent(e, now)));
                    return Task.FromResult(0);
                }, cancellationToken);
                batch.Clear();
                return;
            }
#pragma warning disable CA1031 // The writer must outlive any store failure (disk full, database down); each failure is logged.
            catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
            {
                if (attempt == MaxAttempts)
                {
                    LogWriteFailed(logger, exception, batch.Count);
                    batch.Clear();
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
            }
        }
    }

    /// <summary>LOG-4: user-controlled values bounded; the user agent goes into Data through a JSON writer (escaped).</summary>
    internal static AuditEvent ToAuditEvent(SecurityEvent e, DateTime now) => new()
    {
        Type = Bound(e.Type, 100)!,
        Outcome = AuditOutcomes.From(e.Outcome),
        Time = e.Time == default ? now : e.Time.UtcDateTime,
        TenantId = Guid.TryParse(e.TenantId, out var tenant) ? tenant : null,
        ActorId = Bound(e.ActorId, 64),
        ClientIp = Bound(e.ClientIp, 64),
        Resource = Bound(e.Resource, 512),
        Action = Bound(e.Method, 100),
        Reason = Bound(e.Reason, 512),
        TraceId = Bound(e.TraceId, 64),
        Data = string.IsNullOrEmpty(e.UserAgent)
            ? null
            : JsonSerializer.Serialize(new AuditEventData(Bound(e.UserAgent, MaxLength)), AuditJsonContext.Default.AuditEventData),
    };

    private static string? Bound(string? value, int length) => value is { Length: var n } && n > length ? value[..length] : value;

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Audit queue full: {Count} security events were not stored (their log lines were written)")]
    private static partial void LogDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Audit store write failed: {Count} security events were not stored (their log lines were written)")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);
}
