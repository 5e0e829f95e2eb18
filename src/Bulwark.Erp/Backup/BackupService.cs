using System.Data;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Bulwark.Erp.Crypto;
using Bulwark.Erp.Data;
using Bulwark.Security.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Bulwark.Erp.Backup;

/// <summary>Rows per table and a SHA-256 over every row's values (canonical JSON, derived crypto columns excluded).</summary>
public sealed record BackupSummary(IReadOnlyDictionary<string, int> Counts, string Checksum)
{
    public int Rows => Counts.Values.Sum();
}

/// <summary>
/// DATA-4: a consistent snapshot of every table (or one tenant's rows) read in one snapshot transaction,
/// written as JSON lines into an encrypted, authenticated <see cref="BackupFile"/>; restored into an empty
/// database in one transaction, bypassing the stamps of SaveChanges (versions and timestamps restored as
/// they were) and the audit interceptor (the audit rows themselves are restored, so the hash chain still
/// verifies). Sensitive fields travel as clear values inside the encrypted file and are re-sealed under the
/// target's master key on restore (the backup key, not the master key, protects a backup).
/// </summary>
/// <remarks>DATA-3: both directions work across every tenant, so on PostgreSQL they run on the owner connection
/// (<see cref="OwnerDbContexts"/>); on the application role's, row-level security would hide every tenant's rows and a
/// backup would silently come out empty, so that is refused.</remarks>
public sealed class BackupService(BulwarkDbContext appDb, OwnerDbContexts owners, FieldCipher cipher, TimeProvider time)
{
    private readonly BulwarkDbContext _appDb = appDb;
    private BulwarkDbContext db = appDb;

    private static readonly JsonSerializerOptions Json = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static readonly MethodInfo ReadMethod = typeof(BackupService).GetMethod(nameof(ReadRowsAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

    public Task<BackupSummary> BackupAsync(Stream output, byte[] backupKey, string? tenantSlug, CancellationToken cancellationToken) =>
        AcrossTenantsAsync("backup", () => BackupCoreAsync(output, backupKey, tenantSlug, cancellationToken), cancellationToken);

    /// <summary>Checks the whole file first (key, integrity, checksum), then restores it into this empty database.</summary>
    public Task<BackupSummary> RestoreAsync(Stream input, byte[] backupKey, CancellationToken cancellationToken) =>
        AcrossTenantsAsync("restore", () => RestoreCoreAsync(input, backupKey, cancellationToken), cancellationToken);

    private Task<BackupSummary> AcrossTenantsAsync(string job, Func<Task<BackupSummary>> work, CancellationToken cancellationToken) =>
        owners.RunAsync(job, _appDb, async across =>
        {
            db = across;
            try
            {
                return await work();
            }
            finally
            {
                db = _appDb;
            }
        }, cancellationToken);

    private async Task<BackupSummary> BackupCoreAsync(Stream output, byte[] backupKey, string? tenantSlug, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        Guid? tenantId = null;
        await using var transaction = await db.Database.BeginTransactionAsync(
            db is PostgresBulwarkDbContext ? IsolationLevel.RepeatableRead : IsolationLevel.Serializable, cancellationToken);
        if (tenantSlug is not null)
        {
            tenantId = await db.Tenants.Where(t => t.Slug == tenantSlug).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new BackupFileException($"no tenant '{tenantSlug}'.");
        }

        var rows = await SnapshotAsync(tenantId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var summary = Summarize(rows);
        var header = new JsonObject
        {
            ["format"] = "bulwark-backup/1",
            ["createdAt"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            ["tenant"] = tenantSlug,
            ["rows"] = summary.Rows,
            ["checksum"] = summary.Checksum,
        };
        await BackupFile.WriteAsync(output, backupKey, [header.ToJsonString(), .. rows.Select(r => r.Line)], cancellationToken);
        return summary;
    }

    private async Task<BackupSummary> RestoreCoreAsync(Stream input, byte[] backupKey, CancellationToken cancellationToken)
    {
        var lines = await BackupFile.ReadAsync(input, backupKey, cancellationToken);
        var header = JsonNode.Parse(lines[0])!.AsObject();
        var rows = lines.Skip(1).Select(ParseLine).ToList();
        var expected = Summarize(rows);
        if (expected.Checksum != (string?)header["checksum"])
        {
            throw new BackupFileException("the backup's content does not match its checksum.");
        }

        if (await db.Tenants.AnyAsync(cancellationToken) || await db.AuditEvents.AnyAsync(cancellationToken)
            || await db.Users.IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            throw new BackupFileException("the target database is not empty; restore only into an empty database.");
        }

        await using (var target = RestoreContext())
        {
            await using var transaction = await target.Database.BeginTransactionAsync(cancellationToken);
            var byType = rows.ToLookup(r => r.Type);
            foreach (var entityType in InsertOrder(target.Model))
            {
                foreach (var row in byType[entityType.ClrType.Name])
                {
                    Insert(target, entityType, row.Values);
                }

                await target.SaveChangesAsync(cancellationToken);
                target.ChangeTracker.Clear();
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var restored = Summarize(await SnapshotAsync(null, cancellationToken));
        if (header["tenant"] is null && restored.Checksum != expected.Checksum)
        {
            throw new BackupFileException("the restored database does not match the backup (checksum differs).");
        }

        return restored;
    }

    private async Task<List<Row>> SnapshotAsync(Guid? tenantId, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        foreach (var entityType in InsertOrder(db.Model))
        {
            rows.AddRange(await (Task<List<Row>>)ReadMethod.MakeGenericMethod(entityType.ClrType)
                .Invoke(this, [entityType, tenantId, cancellationToken])!);
        }

        return rows;
    }

    private async Task<List<Row>> ReadRowsAsync<T>(IEntityType entityType, Guid? tenantId, CancellationToken cancellationToken)
        where T : class
    {
        IQueryable<T> query = db.Set<T>().IgnoreQueryFilters().AsTracking();
        if (tenantId is { } tenant)
        {
            var scope = entityType.FindProperty("TenantId") is { } tenantProperty ? tenantProperty : entityType.FindPrimaryKey()!.Properties[0];
            if (typeof(T) != typeof(Tenants.Tenant) && scope.Name != "TenantId")
            {
                return [];
            }

            query = scope.ClrType == typeof(Guid?)
                ? query.Where(e => EF.Property<Guid?>(e, scope.Name) == tenant)
                : query.Where(e => EF.Property<Guid>(e, scope.Name) == tenant);
        }

        var entities = await query.ToListAsync(cancellationToken);
        var rows = new List<Row>(entities.Count);
        foreach (var entity in entities)
        {
            var entry = db.Entry(entity);
            var values = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var property in entityType.GetProperties())
            {
                values[property.Name] = JsonSerializer.SerializeToNode(entry.Property(property.Name).CurrentValue, property.ClrType, Json);
            }

            rows.Add(new Row(entityType.ClrType.Name, values));
        }

        db.ChangeTracker.Clear();
        return rows;
    }

    private static void Insert(BulwarkDbContext target, IEntityType entityType, SortedDictionary<string, JsonNode?> values)
    {
        var entity = Activator.CreateInstance(entityType.ClrType)!;
        foreach (var property in entityType.GetProperties().Where(p => !p.IsShadowProperty()))
        {
            if (values.TryGetValue(property.Name, out var value))
            {
                SetClr(property, entity, value);
            }
        }

        var entry = target.Add(entity);
        foreach (var property in entityType.GetProperties().Where(p => p.IsShadowProperty()))
        {
            if (values.TryGetValue(property.Name, out var value))
            {
                entry.Property(property.Name).CurrentValue = value.Deserialize(property.ClrType, Json);
            }
        }
    }

    private static void SetClr(IProperty property, object entity, JsonNode? value)
    {
        var converted = value.Deserialize(property.ClrType, Json);
        if (property.FieldInfo is { } field)
        {
            field.SetValue(entity, converted);
        }
        else
        {
            property.PropertyInfo!.SetValue(entity, converted);
        }
    }

    /// <summary>A context on the same database without the audit interceptor and without SaveChanges stamps.</summary>
    private BulwarkDbContext RestoreContext()
    {
        var connection = db.Database.GetConnectionString()!;
        if (db is PostgresBulwarkDbContext)
        {
            var options = new DbContextOptionsBuilder<PostgresBulwarkDbContext>().UseNpgsql(connection);
            AddEncryption(options);
            return new PostgresBulwarkDbContext(options.Options) { PreserveStamps = true };   // no tenant; no stamps, so no clock
        }

        var sqlite = new DbContextOptionsBuilder<SqliteBulwarkDbContext>().UseSqlite(connection);
        AddEncryption(sqlite);
        return new SqliteBulwarkDbContext(sqlite.Options) { PreserveStamps = true };
    }

    private void AddEncryption(DbContextOptionsBuilder options) => options.UseBulwarkFieldEncryption(cipher);   // blind indexes recomputed, values re-sealed

    /// <summary>
    /// DATA-4/AUTH-4: key material stays with its deployment: the signing keys and the Data Protection key ring are
    /// sealed under the source's master key, which the target need not share (and a backup must not carry key
    /// material). The restored deployment creates its own signing key; sessions survive (refresh tokens are hashes).
    /// </summary>
    private static readonly HashSet<Type> KeyMaterial =
        [typeof(SigningKeys.SigningKeyRow), typeof(Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey)];

    /// <summary>Entity types ordered so that every principal comes before its dependents (self-references aside).</summary>
    private static List<IEntityType> InsertOrder(IModel model)
    {
        var ordered = new List<IEntityType>();
        var visiting = new HashSet<IEntityType>();
        void Visit(IEntityType type)
        {
            if (ordered.Contains(type) || !visiting.Add(type))
            {
                return;
            }

            foreach (var principal in type.GetForeignKeys().Select(k => k.PrincipalEntityType).Where(p => p != type))
            {
                Visit(principal);
            }

            ordered.Add(type);
        }

        foreach (var type in model.GetEntityTypes().Where(t => !t.IsOwned() && !KeyMaterial.Contains(t.ClrType)).OrderBy(t => t.ClrType.Name, StringComparer.Ordinal))
        {
            Visit(type);
        }

        return ordered;
    }

    private static Row ParseLine(string line)
    {
        var node = JsonNode.Parse(line)!.AsObject();
        var values = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, value) in node["v"]!.AsObject())
        {
            values[name] = value?.DeepClone();
        }

        return new Row((string)node["t"]!, values);
    }

    private static BackupSummary Summarize(IReadOnlyList<Row> rows)
    {
        var counts = rows.GroupBy(r => r.Type).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var canonical in rows.Select(r => r.Type + " " + r.Canonical).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(canonical + "\n"));
        }

        return new BackupSummary(counts, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private sealed record Row(string Type, SortedDictionary<string, JsonNode?> Values)
    {
        /// <summary>The row as stored in the file.</summary>
        public string Line => new JsonObject { ["t"] = Type, ["v"] = ToObject(Values, _ => true) }.ToJsonString();

        /// <summary>The row's values minus derived crypto columns (blind index, key id), which depend on the master key.</summary>
        public string Canonical => ToObject(Values, name => name != FieldEncryptionModel.DataKeyIdProperty && !name.EndsWith("Index", StringComparison.Ordinal))
            .ToJsonString();

        private static JsonObject ToObject(SortedDictionary<string, JsonNode?> values, Func<string, bool> include)
        {
            var json = new JsonObject();
            foreach (var (name, value) in values.Where(v => include(v.Key)))
            {
                json[name] = value?.DeepClone();
            }

            return json;
        }
    }
}
