using System.Text.Json.Serialization;

namespace Bulwark.Erp.Audit;

/// <summary>The <c>Data</c> of a stored security event: request details that have no column.</summary>
internal sealed record AuditEventData([property: JsonPropertyName("userAgent")] string? UserAgent);

/// <summary>LOG-5: the <c>Data</c> of an <c>audit.purged</c> event.</summary>
internal sealed record AuditPurgeData(
    [property: JsonPropertyName("purgedThrough")] long PurgedThrough,
    [property: JsonPropertyName("prefixRemoved")] long PrefixRemoved,
    [property: JsonPropertyName("tombstoned")] long Tombstoned,
    [property: JsonPropertyName("auditCutoff")] DateTime AuditCutoff,
    [property: JsonPropertyName("securityCutoff")] DateTime SecurityCutoff);

[JsonSerializable(typeof(AuditEventData))]
[JsonSerializable(typeof(AuditPurgeData))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
