namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: an audit event row (append-only). The hash chain, writer and verify-audit verb are the
/// audit issue's; this is the table they fill.
/// </summary>
public sealed class AuditEvent
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public long Sequence { get; set; }

    public Guid? TenantId { get; set; }

    public DateTime Time { get; set; }

    public required string Type { get; set; }

    public required string Outcome { get; set; }

    public string? ActorId { get; set; }

    public string? ClientIp { get; set; }

    public string? Resource { get; set; }

    public string? Action { get; set; }

    public string? Reason { get; set; }

    public string? TraceId { get; set; }

    public string? Data { get; set; }

    public string? PreviousHash { get; set; }

    public string? Hash { get; set; }
}
