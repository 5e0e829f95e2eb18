using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: the hash of an audit event: SHA-256 over a canonical serialization of every field (a JSON
/// array in a fixed order, nulls explicit, time in microseconds) followed by the previous event's hash.
/// Changing any field, the order or the link changes the hash.
/// </summary>
public static class AuditHash
{
    private const string Version = "bulwark-audit-v1";

    public static string Compute(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStringValue(Version);
            json.WriteNumberValue(auditEvent.Sequence);
            json.WriteStringValue(auditEvent.Id);
            WriteNullable(json, auditEvent.TenantId?.ToString("D"));
            json.WriteStringValue(Normalize(auditEvent.Time).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteStringValue(auditEvent.Type);
            json.WriteStringValue(auditEvent.Outcome);
            WriteNullable(json, auditEvent.ActorId);
            WriteNullable(json, auditEvent.ClientIp);
            WriteNullable(json, auditEvent.Resource);
            WriteNullable(json, auditEvent.Action);
            WriteNullable(json, auditEvent.Reason);
            WriteNullable(json, auditEvent.TraceId);
            WriteNullable(json, auditEvent.Data);
            WriteNullable(json, auditEvent.PreviousHash);
            json.WriteEndArray();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>
    /// UTC, truncated to whole microseconds: PostgreSQL keeps microseconds, so a time with finer ticks
    /// would read back different from what was hashed.
    /// </summary>
    public static DateTime Normalize(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Utc ? time : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
    }

    private static void WriteNullable(Utf8JsonWriter json, string? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
    }
}
