using System.Diagnostics.Metrics;
using Bulwark.Security.Audit;

namespace Bulwark.Security.Monitoring;

/// <summary>
/// LOG-6: OpenTelemetry metrics of the security controls, fed by the one security-event seam (every event passes
/// here as an <see cref="IAuditSink"/>) and by <see cref="ServerErrorMetricsMiddleware"/> for 5xx answers. Counter tags
/// are event types and outcomes only (a fixed set), never users, IPs or paths, so cardinality stays bounded.
/// Exported on <c>/metrics</c> in the Prometheus text format (names get <c>_total</c>).
/// </summary>
public sealed class SecurityMetrics : ICountingAuditSink
{
    public const string MeterName = "Bulwark.Security";

    private static readonly string[] Outcomes = Enum.GetNames<SecurityOutcome>();

    private readonly Counter<long> _events;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _lockouts;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _bans;
    private readonly Counter<long> _serverErrors;

    public SecurityMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _events = meter.CreateCounter<long>("bulwark.security.events", "{event}", "Security events by type and outcome (docs/audit-events.md).");
        _authFailures = meter.CreateCounter<long>("bulwark.auth.failures", "{failure}", "Failed logins and second steps, refused refresh tokens, rejected access tokens and API keys.");
        _lockouts = meter.CreateCounter<long>("bulwark.auth.lockouts", "{lockout}", "Accounts locked after too many failures (AUTH-3).");
        _rateLimited = meter.CreateCounter<long>("bulwark.ratelimit.rejections", "{request}", "Requests answered 429 (RL-3).");
        _bans = meter.CreateCounter<long>("bulwark.bans", "{ban}", "Client IPs banned (BAN-1).");
        _serverErrors = meter.CreateCounter<long>("bulwark.http.server_errors", "{response}", "Responses with a 5xx status.");
    }

    public void Write(SecurityEvent securityEvent)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        var type = new KeyValuePair<string, object?>("type", securityEvent.Type);
        _events.Add(1, type, new KeyValuePair<string, object?>("outcome", Outcomes[(int)securityEvent.Outcome]));
        switch (securityEvent.Type)
        {
            case SecurityEventTypes.LoginFailed or SecurityEventTypes.RefreshFailed or SecurityEventTypes.TokenRejected:
                _authFailures.Add(1, type);
                break;
            case SecurityEventTypes.AccountLocked:
                _lockouts.Add(1);
                break;
            case SecurityEventTypes.RateLimitRejected:
                _rateLimited.Add(1);
                break;
            case SecurityEventTypes.BanCreated:
                _bans.Add(1);
                break;
        }
    }

    internal void ServerError(int status) => _serverErrors.Add(1, new KeyValuePair<string, object?>("status", status));
}
