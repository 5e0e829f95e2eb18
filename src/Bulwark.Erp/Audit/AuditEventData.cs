using System.Text.Json.Serialization;

namespace Bulwark.Erp.Audit;

/// <summary>The <c>Data</c> of a stored security event: request details that have no column.</summary>
internal sealed record AuditEventData([property: JsonPropertyName("userAgent")] string? UserAgent);

[JsonSerializable(typeof(AuditEventData))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
