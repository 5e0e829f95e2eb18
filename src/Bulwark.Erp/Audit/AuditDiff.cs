using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: the field-level before/after diff of one tracked entity, as JSON:
/// <c>{"entity":"Employee","changes":{"title":{"before":"A","after":"B"},"iban":{"redacted":true}}}</c>.
/// Created: every field's value after; updated: the changed fields only; deleted: every value before.
/// LOG-4: sensitive fields (<see cref="AuditRedaction"/>) show only that they changed.
/// Built with a Utf8JsonWriter from the change tracker's values: no reflection, no extra query.
/// </summary>
internal static class AuditDiff
{
    /// <summary>Bookkeeping every row carries; their change says nothing about the change itself.</summary>
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "Id", "TenantId", "CreatedAt", "UpdatedAt", "Version" };

    public static string? Describe(EntityEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var changed = 0;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("entity", entry.Metadata.ClrType.Name);
            json.WriteStartObject("changes");
            foreach (var property in entry.Properties)
            {
                var name = property.Metadata.Name;
                if (Skipped.Contains(name) || property.Metadata.IsShadowProperty())
                {
                    continue;
                }

                var before = entry.State == EntityState.Added ? null : property.OriginalValue;
                var after = entry.State == EntityState.Deleted ? null : property.CurrentValue;
                if (entry.State == EntityState.Modified && (!property.IsModified || ValueEquals(before, after)))
                {
                    continue;
                }

                changed++;
                json.WriteStartObject(JsonNamingPolicy.CamelCase.ConvertName(name));
                if (AuditRedaction.IsSensitive(name))
                {
                    json.WriteBoolean("redacted", true);
                }
                else
                {
                    if (entry.State != EntityState.Added)
                    {
                        json.WritePropertyName("before");
                        WriteValue(json, before);
                    }

                    if (entry.State != EntityState.Deleted)
                    {
                        json.WritePropertyName("after");
                        WriteValue(json, after);
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return changed == 0 && entry.State == EntityState.Modified ? null : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool ValueEquals(object? before, object? after) =>
        before is IEnumerable first and not string && after is IEnumerable second and not string
            ? first.Cast<object?>().SequenceEqual(second.Cast<object?>())
            : Equals(before, after);

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case Guid id:
                json.WriteStringValue(id);
                break;
            case DateTime time:
                json.WriteStringValue(time.ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateOnly date:
                json.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case int or long or short or byte:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case decimal number:
                json.WriteNumberValue(number);
                break;
            case double or float:
                json.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
