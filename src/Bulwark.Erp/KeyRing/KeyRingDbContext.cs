using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.KeyRing;

/// <summary>
/// AUTH-4/DATA-5: the scaled mode's shared Data Protection key ring, table <c>data_protection_keys</c>, read and written
/// by the framework's <see cref="EntityFrameworkCoreXmlRepository{TContext}"/>. A context of its own because that
/// repository saves synchronously, outside any unit of work; the table itself belongs to the PostgreSQL model (its
/// migration, grants and backups). Rows hold key XML whose secrets are encrypted under the master key.
/// </summary>
internal sealed class KeyRingDbContext(DbContextOptions<KeyRingDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public const string Table = "data_protection_keys";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => Map(modelBuilder);

    /// <summary>The one mapping of the table, shared with <c>PostgresBulwarkDbContext</c> (which migrates it).</summary>
    internal static void Map(ModelBuilder modelBuilder) => modelBuilder.Entity<DataProtectionKey>().ToTable(Table);
}
