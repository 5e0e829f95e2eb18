using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Bulwark.Security.Audit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Monitoring;

/// <summary>
/// LOG-6: critical security events (<see cref="SecurityEventTypes.IsCritical"/>) go to the alert webhook. On the
/// request path an event is only put into a bounded queue (never blocks, never throws); a background service delivers
/// it, with retries (exponential backoff with jitter, per-attempt timeout) from the framework's resilience handler.
/// A full queue drops the new alert with an error log line (the event itself is still logged and audited).
/// </summary>
public sealed partial class AlertWebhook : BackgroundService, IAuditSink
{
    public const string HttpClientName = "Bulwark.Alerts";

    private readonly Channel<SecurityEvent>? _queue;
    private readonly IHttpClientFactory _http;
    private readonly AlertOptions _options;
    private readonly ILogger<AlertWebhook> _logger;

    public AlertWebhook(IOptions<AlertOptions> options, IHttpClientFactory http, ILogger<AlertWebhook> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _http = http;
        _logger = logger;
        _queue = _options.WebhookUrl is null
            ? null
            : Channel.CreateBounded<SecurityEvent>(new BoundedChannelOptions(_options.QueueLimit)
            {
                FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true,
            }, dropped => LogDropped(_logger, dropped.Type));
    }

    public void Write(SecurityEvent securityEvent)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        if (_queue is not null && SecurityEventTypes.IsCritical(securityEvent))
        {
            _queue.Writer.TryWrite(securityEvent);
        }
    }

    /// <summary>
    /// Delivers a critical event at once, outside the queue — for verbs, which run no background services. Failures
    /// are logged, never thrown.
    /// </summary>
    public async Task SendNowAsync(SecurityEvent securityEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        if (_queue is null || !SecurityEventTypes.IsCritical(securityEvent))
        {
            return;
        }

        try
        {
            await DeliverAsync(securityEvent, cancellationToken);
        }
#pragma warning disable CA1031 // the verb's own outcome must not depend on the webhook: logged instead
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogUndelivered(_logger, securityEvent.Type, exception.GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_queue is null)
        {
            return;
        }

        await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await DeliverAsync(alert, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed delivery must not stop the dispatcher: it is logged, the next alert goes on
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogUndelivered(_logger, alert.Type, exception.GetType().Name);
            }
        }
    }

    private async Task DeliverAsync(SecurityEvent alert, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new AlertPayload(alert.Type, alert.Outcome.ToString(), alert.Time,
            alert.ActorId, alert.TenantId, alert.ClientIp, alert.Method, alert.Resource, alert.Reason, alert.TraceId),
            AlertJsonContext.Default.AlertPayload);
        var id = Guid.CreateVersion7().ToString();
        using var client = _http.CreateClient(HttpClientName);
        // The resilience handler re-sends this request on transient failures (5xx, 408, 429, connection errors).
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.WebhookUrl)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add("X-Bulwark-Event-Id", id);   // the same on every attempt: receivers can drop duplicates
        if (_options.SigningKey is { } key)
        {
            request.Headers.Add("X-Bulwark-Signature",
                "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body)));
        }

        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            LogRefused(_logger, alert.Type, (int)response.StatusCode);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "LOG-6: the alert queue is full; the alert for {EventType} is dropped (the event is still logged and audited).")]
    private static partial void LogDropped(ILogger logger, string eventType);

    [LoggerMessage(Level = LogLevel.Error, Message = "LOG-6: the alert for {EventType} was not delivered after every attempt ({Error}).")]
    private static partial void LogUndelivered(ILogger logger, string eventType, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "LOG-6: the alert webhook answered {Status} for {EventType} after every attempt.")]
    private static partial void LogRefused(ILogger logger, string eventType, int status);
}

/// <summary>LOG-6: the JSON body of one alert (the event's fields; no secrets are in events).</summary>
public sealed record AlertPayload(string Type, string Outcome, DateTimeOffset Time, string? ActorId, string? TenantId,
    string? ClientIp, string? Method, string? Resource, string? Reason, string? TraceId);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(AlertPayload))]
internal sealed partial class AlertJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
