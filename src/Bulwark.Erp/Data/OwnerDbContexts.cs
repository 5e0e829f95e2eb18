using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Data;

/// <summary>Refused: a job that must see every tenant would run where row-level security shows it one or none.</summary>
public sealed class OwnerConnectionRequiredException(string job)
    : InvalidOperationException($"{job} needs the owner connection (Bulwark:Database:MigrationConnectionString), or one that sees "
        + "past row-level security: the application role sees one tenant at a time and may not rewrite the audit (DATA-3).");

/// <summary>
/// DATA-3 (PostgreSQL): a context on the owner connection (<see cref="DatabaseOptions.MigrationConnectionString"/>) for
/// the jobs that work across every tenant and that the application role may not or cannot do — migrations, the
/// Development seed, the audit retention (LOG-5: the application role may only INSERT and SELECT the audit tables),
/// data-key rotation (DATA-1) and backup/restore (DATA-4). Without an owner connection (SQLite, or a deployment
/// that gives such jobs a connection with the rights) they run on the ordinary context.
/// </summary>
public sealed class OwnerDbContexts(IOptions<DatabaseOptions> options, IServiceProvider services)
{
    public PostgresBulwarkDbContext? Create()
    {
        var ownerConnection = options.Value.MigrationConnectionString;
        if (options.Value.IsSqlite || string.IsNullOrWhiteSpace(ownerConnection))
        {
            return null;
        }

        var builder = new DbContextOptionsBuilder<PostgresBulwarkDbContext>().UseNpgsql(ownerConnection);
        Audit.AuditServiceCollectionExtensions.UseBulwarkAudit(builder, services);   // LOG-3: its changes are audited too
        Crypto.FieldEncryptionDbContextOptionsExtensions.UseBulwarkFieldEncryption(builder, services);   // DATA-1: the seed writes employees
        var db = new PostgresBulwarkDbContext(builder.Options);
        db.Bind(NoTenant.Instance, services.GetRequiredService<TimeProvider>());
        return db;
    }

    /// <summary>
    /// Runs <paramref name="work"/> for <paramref name="job"/> on the owner context, else on <paramref name="appDb"/> —
    /// which on PostgreSQL must then see past row-level security (superuser, BYPASSRLS or the owner's policy), or the
    /// job is refused before it starts (<see cref="OwnerConnectionRequiredException"/>).
    /// </summary>
    public async Task<T> RunAsync<T>(string job, BulwarkDbContext appDb, Func<BulwarkDbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var owner = Create();
        var db = owner ?? appDb;
        if (db is PostgresBulwarkDbContext && !await SeesEveryTenantAsync(db, cancellationToken))
        {
            throw new OwnerConnectionRequiredException(job);
        }

        return await work(db);
    }

    // The owner's policy (Authorization/PostgresRowLevelSecurity.cs) names the role that migrated.
    private static Task<bool> SeesEveryTenantAsync(BulwarkDbContext db, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<bool>($"""
            SELECT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)
              OR EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'public' AND policyname = 'bulwark_owner_all'
                         AND current_user = ANY (roles)) AS "Value"
            """).SingleAsync(cancellationToken);
}
