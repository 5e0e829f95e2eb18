using System.Data.Common;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: a context that maps only the audit tables (it writes <see cref="AuditEvent"/> rows only), opened on the connection and inside the
/// transaction of the context whose commit appends the events. Appending through it (and not the
/// business context) saves exactly the audit rows at commit time, never a business change the caller
/// left unsaved, and does not re-enter the audit interceptors. Not a migrations context: the table
/// belongs to <see cref="BulwarkDbContext"/>'s model.
/// </summary>
internal sealed class AuditAppendContext(DbContextOptions<AuditAppendContext> options) : DbContext(options)
{
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public static async Task<AuditAppendContext> OpenAsync(DbContext owner, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var connection = owner.Database.GetDbConnection();
        var options = new DbContextOptionsBuilder<AuditAppendContext>();
        if (owner.Database.IsNpgsql())
        {
            options.UseNpgsql(connection);
        }
        else
        {
            options.UseSqlite(connection);
        }

        var context = new AuditAppendContext(options.Options);
        await context.Database.UseTransactionAsync(transaction, cancellationToken);
        return context;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();   // as BulwarkDbContext
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new AuditEventConfiguration());
        // Read only, for the chain tail (AuditChain.AppendAsync): purged events' tombstones and retention anchors.
        modelBuilder.ApplyConfiguration(new AuditTombstoneConfiguration());
        modelBuilder.ApplyConfiguration(new AuditCheckpointConfiguration());
    }
}
