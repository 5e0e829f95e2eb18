using System.Diagnostics;
using System.Globalization;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Security.Audit;

/// <summary>
/// LOG-2: writes security events as structured log events (category "Bulwark.Security.Events").
/// LOG-4: user-controlled values are bounded in length and go into properties, never into the
/// message template, so the JSON formatter escapes them and they cannot forge a line.
/// LOG-3: after the log line, every registered <see cref="IAuditSink"/> receives the event too. Repeats of a flood of
/// rejections are coalesced (<see cref="RepeatedEventCoalescer"/>): counted by <see cref="ICountingAuditSink"/>s only.
/// </summary>
internal sealed partial class LoggingSecurityEvents(ILoggerFactory loggerFactory, TimeProvider time, IEnumerable<IAuditSink> sinks)
    : ISecurityEvents
{
    private readonly IAuditSink[] _sinks = sinks.ToArray();
    private readonly IAuditSink[] _counting = sinks.OfType<ICountingAuditSink>().ToArray<IAuditSink>();
    private readonly RepeatedEventCoalescer _repeats = new(time);

    private const int MaxValueLength = 256;
    private readonly ILogger _logger = loggerFactory.CreateLogger("Bulwark.Security.Events");

    public void Emit(SecurityEvent securityEvent)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        if (RepeatedEventCoalescer.Coalesces(securityEvent))
        {
            if (!_repeats.ShouldRecord(securityEvent, out var repeats))
            {
                foreach (var sink in _counting)
                {
                    sink.Write(securityEvent);
                }

                return;
            }

            if (repeats > 0)
            {
                securityEvent = securityEvent with
                {
                    Reason = string.Create(CultureInfo.InvariantCulture, $"{securityEvent.Reason}; +{repeats} repeats"),
                };
            }
        }

        var level = SecurityEventTypes.IsCritical(securityEvent) ? LogLevel.Critical
            : securityEvent.Outcome == SecurityOutcome.Success ? LogLevel.Information
            : LogLevel.Warning;
        foreach (var sink in _sinks)
        {
            sink.Write(securityEvent);
        }

        if (!_logger.IsEnabled(level))
        {
            return;
        }

        LogEvent(_logger, level, securityEvent.Type, securityEvent.Outcome, securityEvent.ActorId, securityEvent.TenantId,
            securityEvent.ClientIp, Bound(securityEvent.UserAgent), securityEvent.Method, Bound(securityEvent.Resource),
            Bound(securityEvent.Reason), securityEvent.TraceId);
    }

    public void Emit(HttpContext context, string type, SecurityOutcome outcome, string? reason = null, string? actorId = null,
        string? tenantId = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = CallerContext.From(context.User);
        Emit(new SecurityEvent
        {
            Type = type,
            Outcome = outcome,
            Time = time.GetUtcNow(),
            ActorId = actorId ?? caller?.UserId.ToString(),
            TenantId = tenantId ?? caller?.TenantId.ToString(),
            ClientIp = context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = context.Request.Headers.UserAgent.ToString(),
            Method = context.Request.Method,
            Resource = context.Request.Path.Value,
            Reason = reason,
            TraceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier,
        });
    }

    private static string? Bound(string? value) =>
        value is { Length: > MaxValueLength } ? value[..MaxValueLength] : value;

    [LoggerMessage(EventId = 2000, Message = "Security event {EventType} {Outcome} actor={ActorId} tenant={TenantId} ip={ClientIp} ua={UserAgent} {Method} {Resource} reason={Reason} trace={EventTraceId}")]
    private static partial void LogEvent(ILogger logger, LogLevel level, string eventType, SecurityOutcome outcome,
        string? actorId, string? tenantId, string? clientIp, string? userAgent, string? method, string? resource,
        string? reason, string? eventTraceId);
}
