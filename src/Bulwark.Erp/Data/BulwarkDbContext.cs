using Bulwark.Erp.Audit;
using Bulwark.Erp.Crypto;
using Bulwark.Erp.Employees;
using Bulwark.Erp.Inventory;
using Bulwark.Erp.Ledger;
using Bulwark.Erp.Tenants;
using Bulwark.Erp.Users;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Data;

/// <summary>
/// The ERP data. AZ-4: every <see cref="TenantEntity"/> set is filtered by the caller's tenant; with
/// no tenant (anonymous, CLI) they read empty — code that must cross tenants says so with
/// <c>IgnoreQueryFilters()</c>. DATA-2: all access goes through EF Core (parameterized SQL).
/// One subclass per provider carries that provider's migrations.
/// </summary>
public abstract class BulwarkDbContext : DbContext
{
    private TimeProvider _time = TimeProvider.System;
    private ICurrentTenant _tenant = NoTenant.Instance;

    /// <summary>
    /// One constructor, as the context pool (issue 7) requires: an instance has no tenant (reads empty) and the system
    /// clock until <see cref="Bind"/> gives it the scope's.
    /// </summary>
    protected BulwarkDbContext(DbContextOptions options)
        : base(options)
    {
        ArgumentNullException.ThrowIfNull(options);
        FieldCipher = options.FindExtension<Crypto.FieldEncryptionOptionsExtension>()?.Cipher;
    }

    /// <summary>
    /// AZ-4: binds this unit of work to the resolving scope's tenant and clock. A pooled instance is bound on every
    /// lease (<see cref="ErpServiceCollectionExtensions"/>), before any query, so it never keeps a previous scope's tenant.
    /// </summary>
    internal void Bind(ICurrentTenant tenant, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(time);
        CurrentTenantId = tenant.TenantId;
        _tenant = tenant;
        _time = time;
    }

    /// <summary>AZ-4: a returned (pooled) or disposed context keeps no tenant: leased without a binding it reads empty.</summary>
    public override void Dispose()
    {
        Unbind();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc cref="Dispose"/>
    public override async ValueTask DisposeAsync()
    {
        Unbind();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private void Unbind()
    {
        CurrentTenantId = null;
        TenantSessionOwed = false;
        _tenant = NoTenant.Instance;
        _time = TimeProvider.System;
    }

    /// <summary>DATA-1: the cipher the encrypted columns of this context's model are bound to (null at design time).</summary>
    internal Bulwark.Security.Crypto.FieldCipher? FieldCipher { get; }

    /// <summary>The tenant of this unit of work; EF Core parameterizes the query filter on it.</summary>
    public Guid? CurrentTenantId { get; private set; }

    /// <summary>
    /// AZ-4: the tenant row-level security sees on this context's connections, read at every open: the principal's, or
    /// one a credential flow entered later (<see cref="Authorization.TenantScope"/>).
    /// </summary>
    internal Guid? SessionTenantId => _tenant.TenantId;

    /// <summary>
    /// AZ-4 (PostgreSQL): the open connection does not hold <see cref="SessionTenantId"/> yet; its next command sends it
    /// first (<see cref="Authorization.TenantSessionInterceptor"/>).
    /// </summary>
    internal bool TenantSessionOwed { get; set; }

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<User> Users => Set<User>();

    public DbSet<Employee> Employees => Set<Employee>();

    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<JournalEntry> JournalEntries => Set<JournalEntry>();

    public DbSet<JournalLine> JournalLines => Set<JournalLine>();

    public DbSet<Item> Items => Set<Item>();

    public DbSet<Warehouse> Warehouses => Set<Warehouse>();

    public DbSet<StockLevel> StockLevels => Set<StockLevel>();

    public DbSet<StockMovement> StockMovements => Set<StockMovement>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();

    public DbSet<AuditTombstone> AuditTombstones => Set<AuditTombstone>();

    public DbSet<Sessions.Session> Sessions => Set<Sessions.Session>();

    public DbSet<Sessions.RefreshToken> RefreshTokens => Set<Sessions.RefreshToken>();

    /// <summary>AUTH-8: pending second steps of logins (token hashes).</summary>
    public DbSet<Mfa.MfaChallenge> MfaChallenges => Set<Mfa.MfaChallenge>();

    /// <summary>AUTH-8: single-use recovery codes (hashes).</summary>
    public DbSet<Mfa.RecoveryCode> RecoveryCodes => Set<Mfa.RecoveryCode>();

    /// <summary>AUTH-9: API keys (hashed).</summary>
    public DbSet<ApiKeys.ApiKey> ApiKeys => Set<ApiKeys.ApiKey>();

    /// <summary>BAN-1: ban history per client IP (not tenant data).</summary>
    public DbSet<Bans.IpBan> IpBans => Set<Bans.IpBan>();

    /// <summary>
    /// DATA-6: the pending change applies only if the row still has the version the client read;
    /// otherwise saving affects no row and the request ends in 409 Conflict.
    /// </summary>
    public void ExpectVersion(TenantEntity entity, int version) =>
        Entry(entity).Property(e => e.Version).OriginalValue = version;

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Every timestamp is UTC; SQLite loses the kind, so it is restored on read.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BulwarkDbContext).Assembly);
        foreach (var entityType in modelBuilder.Model.GetEntityTypes()
                     .Where(t => typeof(TenantEntity).IsAssignableFrom(t.ClrType) && t.BaseType is null)
                     .ToList())
        {
            typeof(BulwarkDbContext).GetMethod(nameof(ConfigureTenantEntity), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(entityType.ClrType)
                .Invoke(this, [modelBuilder]);
        }

        // AZ-4: lines carry their own tenant so they are filtered even when queried directly.
        modelBuilder.Entity<JournalLine>().HasQueryFilter(l => l.TenantId == CurrentTenantId);

        // DATA-1: properties marked IsEncrypted become AES-256-GCM envelopes bound to this host's cipher.
        modelBuilder.UseFieldEncryption(FieldCipher);
    }

    private void ConfigureTenantEntity<T>(ModelBuilder modelBuilder)
        where T : TenantEntity
    {
        var entity = modelBuilder.Entity<T>();
        entity.HasKey(e => e.Id);
        entity.Property(e => e.Id).ValueGeneratedNever();
        entity.HasIndex(e => e.TenantId);
        entity.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Restrict);
        // DATA-6: optimistic concurrency; a stale write affects no row and becomes 409.
        entity.Property(e => e.Version).IsConcurrencyToken();
        // AZ-4: tenant isolation for every query, parameterized on this context's tenant.
        entity.HasQueryFilter(e => e.TenantId == CurrentTenantId);
    }

    /// <summary>DATA-4 restore: keep the ids, versions and timestamps being restored (no stamping).</summary>
    internal bool PreserveStamps { get; init; }

    private void StampChanges()
    {
        if (PreserveStamps)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        foreach (var entry in ChangeTracker.Entries<TenantEntity>())
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    if (entry.Entity.TenantId == Guid.Empty && CurrentTenantId is { } tenant)
                    {
                        entry.Entity.TenantId = tenant;
                    }

                    if (CurrentTenantId is { } current && entry.Entity.TenantId != current)
                    {
                        // AZ-4: a unit of work never writes into another tenant.
                        throw new InvalidOperationException("Cross-tenant write refused.");
                    }

                    entry.Entity.CreatedAt = entry.Entity.CreatedAt == default ? now : entry.Entity.CreatedAt;
                    entry.Entity.UpdatedAt = now;
                    entry.Entity.Version = 1;
                    break;
                case EntityState.Modified:
                    entry.Entity.UpdatedAt = now;
                    entry.Entity.Version = entry.Property(e => e.Version).OriginalValue + 1;
                    break;
            }
        }
    }
}

/// <summary>SQLite flavour (embedded mode); carries <c>Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteBulwarkDbContext : BulwarkDbContext
{
    /// <summary>The pool's (and every other) constructor: no tenant until bound (issue 7).</summary>
    public SqliteBulwarkDbContext(DbContextOptions<SqliteBulwarkDbContext> options)
        : base(options)
    {
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // UTC as the provider's own text, parsed without culture work (issue 7).
        configurationBuilder.Properties<DateTime>().HaveConversion<SqliteUtcDateTimeConverter>();
    }
}

/// <summary>PostgreSQL flavour (scaled mode); carries <c>Data/Migrations/Postgres</c>.</summary>
public sealed class PostgresBulwarkDbContext : BulwarkDbContext
{
    /// <summary>The pool's (and every other) constructor: no tenant until bound (issue 7).</summary>
    public PostgresBulwarkDbContext(DbContextOptions<PostgresBulwarkDbContext> options)
        : base(options)
    {
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // AUTH-4/DATA-5: the key ring instances share (written through KeyRing.KeyRingDbContext).
        KeyRing.KeyRingDbContext.Map(modelBuilder);
    }
}
