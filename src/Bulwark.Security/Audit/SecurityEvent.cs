namespace Bulwark.Security.Audit;

/// <summary>
/// LOG-2: one security event. Never carries secrets or field values: reasons are codes and field
/// names. The single shape every control emits; a later sink writes it to the tamper-evident store.
/// </summary>
public sealed record SecurityEvent
{
    public required string Type { get; init; }

    public required SecurityOutcome Outcome { get; init; }

    public DateTimeOffset Time { get; init; }

    public string? ActorId { get; init; }

    public string? TenantId { get; init; }

    public string? ClientIp { get; init; }

    public string? UserAgent { get; init; }

    public string? Method { get; init; }

    public string? Resource { get; init; }

    public string? Reason { get; init; }

    public string? TraceId { get; init; }
}
