using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Monitoring;

/// <summary>LOG-6: the protected metrics endpoint, bound from <c>Bulwark:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Bulwark:Metrics";

    /// <summary>
    /// The bearer token a Prometheus scraper presents on <c>/metrics</c> (at least 32 characters, e.g.
    /// <c>openssl rand -hex 32</c>; a secret: environment or secret file). Unset: <c>/metrics</c> is not served.
    /// </summary>
    [MinLength(32)]
    public string? ScrapeToken { get; set; }
}

/// <summary>LOG-6: the alert webhook for critical security events, bound from <c>Bulwark:Alerts</c>.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Bulwark:Alerts";

    /// <summary>Where critical events are POSTed as JSON (https, or http to a loopback address). Unset: no alerts.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>
    /// Optional HMAC-SHA256 key (at least 32 characters): each delivery then carries
    /// <c>X-Bulwark-Signature: sha256=&lt;hex of HMAC(body)&gt;</c> so the receiver can check it came from here.
    /// </summary>
    [MinLength(32)]
    public string? SigningKey { get; set; }

    /// <summary>Alerts waiting for delivery at most; beyond it new ones are dropped with a log line. Default 1000.</summary>
    [Range(1, 100_000)]
    public int QueueLimit { get; set; } = 1000;

    /// <summary>Delivery attempts per alert (exponential backoff with jitter between them). Default 5.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Timeout of one attempt. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry's delay (doubling after). Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
