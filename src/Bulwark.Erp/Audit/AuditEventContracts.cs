using System.Text.Json;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: one stored audit event as admins and auditors read it. <c>Data</c> is the event's JSON
/// (the redacted field diff of a change, the user agent of a security event), never a raw value.
/// </summary>
public sealed record AuditEventResponse(
    Guid Id,
    long Sequence,
    DateTime Time,
    string Type,
    string Outcome,
    string? ActorId,
    string? ClientIp,
    string? Resource,
    string? Action,
    string? Reason,
    string? TraceId,
    JsonElement? Data,
    string? Hash,
    string? PreviousHash);

/// <summary>
/// LOG-3: the state of the (global) audit chain as one tenant may see it: whether every link holds,
/// how many of this tenant's events were verified, and where the chain first breaks. The sequence
/// of a broken link is global (the chain is one for all tenants); the broken event's id is given
/// only when it is this tenant's.
/// </summary>
public sealed record AuditChainResponse(
    bool Valid,
    long TenantEventsVerified,
    long? BrokenAtSequence,
    Guid? BrokenEventId,
    string? Reason,
    DateTime VerifiedAt);
