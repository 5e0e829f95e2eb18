using System.Buffers;
using System.Data;
using System.Globalization;
using System.Text.Json;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: takes and checks keyed checkpoints (<see cref="AuditCheckpoint"/>). A checkpoint reads the
/// committed chain head and the tombstone count in one snapshot (commits append in sequence order,
/// so the committed head is a consistent prefix) and inserts the sealed row.
/// </summary>
public sealed class AuditCheckpoints(BulwarkDbContext db, WriteGate gate, AuditCheckpointKey key, TimeProvider time)
{
    private const string Version = "bulwark-audit-checkpoint-v1";

    /// <summary>Seals the current head unless the latest checkpoint already covers it; null when nothing to seal.</summary>
    public async Task<AuditCheckpoint?> TakeAsync(CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(cancellationToken);
        // One snapshot for head and tombstone count (PostgreSQL; SQLite's write gate already excludes writers).
        await using var transaction = db.Database.IsNpgsql()
            ? await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken)
            : await db.Database.BeginTransactionAsync(cancellationToken);
        var head = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        if (head?.Hash is null)
        {
            return null;
        }

        var latest = await db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).ThenByDescending(c => c.Time)
            .FirstOrDefaultAsync(cancellationToken);
        var tombstones = await db.AuditTombstones.LongCountAsync(cancellationToken);
        if (latest is not null && latest.Sequence == head.Sequence && latest.Tombstones == tombstones)
        {
            return null;
        }

        var purgedThrough = await db.AuditCheckpoints.MaxAsync(c => (long?)c.PurgedThrough, cancellationToken) ?? 0;
        var checkpoint = Seal(head.Sequence, head.Hash, tombstones, purgedThrough);
        db.AuditCheckpoints.Add(checkpoint);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return checkpoint;
    }

    /// <summary>A sealed checkpoint for the given state (inserted by the caller, in its transaction).</summary>
    public AuditCheckpoint Seal(long sequence, string hash, long tombstones, long purgedThrough)
    {
        var checkpoint = new AuditCheckpoint
        {
            Sequence = sequence,
            Hash = hash,
            Tombstones = tombstones,
            PurgedThrough = purgedThrough,
            Time = AuditHash.Normalize(time.GetUtcNow().UtcDateTime),
            KeyId = key.KeyId,
            Mac = string.Empty,
        };
        checkpoint.Mac = key.Sign(Message(checkpoint));
        return checkpoint;
    }

    /// <summary>Why the checkpoint is not genuine, or null when its MAC holds under the configured key.</summary>
    public string? Check(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!string.Equals(checkpoint.KeyId, key.KeyId, StringComparison.Ordinal))
        {
            return $"checkpoint {checkpoint.Id} is sealed with another key ({checkpoint.KeyId}, configured {key.KeyId})";
        }

        return key.Verify(Message(checkpoint), checkpoint.Mac) ? null : $"forged: checkpoint {checkpoint.Id} does not match its MAC";
    }

    private static byte[] Message(AuditCheckpoint checkpoint)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStringValue(Version);
            json.WriteStringValue(checkpoint.Id);
            json.WriteNumberValue(checkpoint.Sequence);
            json.WriteStringValue(checkpoint.Hash);
            json.WriteNumberValue(checkpoint.Tombstones);
            json.WriteNumberValue(checkpoint.PurgedThrough);
            json.WriteStringValue(AuditHash.Normalize(checkpoint.Time).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteStringValue(checkpoint.KeyId);
            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
