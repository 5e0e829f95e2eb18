using Bulwark.Erp.Audit;
using Bulwark.Erp.Authorization;
using Bulwark.Erp.Crypto;
using Bulwark.Erp.Employees;
using Bulwark.Erp.Inventory;
using Bulwark.Security.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Data;

public static class ErpServiceCollectionExtensions
{
    /// <summary>
    /// The ERP data layer: the DbContext for the configured provider (SQLite by default, in the data
    /// folder), the single-writer gate, feature services, JSON metadata and database error mapping.
    /// </summary>
    public static WebApplicationBuilder AddBulwarkErp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.IsSqlite || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Bulwark:Database:ConnectionString is required when Bulwark:Database:Provider is Postgres.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseOptions>, DatabasePasswordValidator>());   // DATA-5
        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddHttpContextAccessor();
        services.TryAddScoped<TenantScope>();   // AZ-4: the tenant a credential flow established
        services.TryAddScoped<ICurrentTenant, HttpCurrentTenant>();
        services.TryAddSingleton(sp => new WriteGate(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.TryAddScoped<UnitOfWork>();
        services.TryAddSingleton<OwnerDbContexts>();   // DATA-3: migrations, seed and audit retention as the owner
        services.AddBulwarkAudit();   // LOG-3: chained audit store, fed by SaveChanges and security events
        // Issue 7: list counts reused until a commit changes their record set (here, or on any instance through Redis).
        services.TryAddSingleton<ListCountCache>();
        services.TryAddSingleton(sp => new ListCountInterceptor(sp.GetRequiredService<ListCountCache>(), sp.GetService<IListCountBroadcast>()));
        if (!string.IsNullOrWhiteSpace(builder.Configuration[Security.State.RedisOptions.SectionName + ":Configuration"]))
        {
            services.TryAddSingleton<RedisListCountBroadcast>();
            services.TryAddSingleton<IListCountBroadcast>(sp => sp.GetRequiredService<RedisListCountBroadcast>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisListCountBroadcast>());
        }

        if (database.IsSqlite)
        {
            SqliteEngine.Configure();   // issue 7: no per-call connection mutex (before any connection opens)
            // Issue 7: pooled contexts on options built once (every input is a singleton). Building the options and a
            // fresh context's internal services per request scope was most of what a request allocated.
            services.AddPooledDbContextFactory<SqliteBulwarkDbContext>((sp, options) =>
                options.UseSqlite(SqliteConnectionString(sp), sqlite => sqlite.MigrationsAssembly(typeof(BulwarkDbContext).Assembly.FullName))
                    .UseBulwarkAudit(sp)
                    .UseBulwarkFieldEncryption(sp)   // DATA-1
                    .AddInterceptors(sp.GetRequiredService<ListCountInterceptor>())
                    .EnableThreadSafetyChecks(database.ThreadSafetyChecks));   // issue 7: see DatabaseOptions.ThreadSafetyChecks
            services.AddScoped<BulwarkDbContext>(Lease<SqliteBulwarkDbContext>);
        }
        else
        {
            services.AddPooledDbContextFactory<PostgresBulwarkDbContext>((sp, options) =>   // issue 7: pooled, as above
                options.UseNpgsql(PostgresConnectionString(database.ConnectionString)).UseBulwarkAudit(sp)
                    .UseBulwarkFieldEncryption(sp)   // DATA-1
                    .AddInterceptors(TenantSessionInterceptor.Instance, sp.GetRequiredService<ListCountInterceptor>())   // AZ-4: RLS tenant setting (stateless; reads the context's tenant)
                    .EnableThreadSafetyChecks(database.ThreadSafetyChecks));
            services.AddScoped<BulwarkDbContext>(Lease<PostgresBulwarkDbContext>);
            // AUTH-4/DATA-5: every instance reads and writes one Data Protection key ring in the database.
            services.AddDbContext<KeyRing.KeyRingDbContext>(options => options.UseNpgsql(database.ConnectionString),
                optionsLifetime: ServiceLifetime.Singleton);
            services.TryAddSingleton(sp => new Bulwark.Security.Crypto.SharedKeyRing(
                new Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.EntityFrameworkCoreXmlRepository<KeyRing.KeyRingDbContext>(
                    sp, sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>())));
        }

        services.AddExceptionHandler<ErpExceptionHandler>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddScoped<ItemService>();
        services.AddScoped<EmployeeService>();
        services.AddScoped<Ledger.AccountService>();
        services.AddScoped<Ledger.JournalEntryService>();
        services.AddScoped<Ledger.LedgerReportService>();
        services.AddScoped<WarehouseService>();
        services.AddScoped<StockService>();
        services.AddScoped<Sessions.SessionService>();
        services.AddScoped<Users.AccountLockout>();
        services.AddScoped<Users.Reauthentication>();   // AUTH-11
        services.AddScoped<Users.SignInService>();
        services.AddScoped<Mfa.MfaService>();   // AUTH-8
        services.TryAddSingleton<Security.Authentication.IApiKeyStore, ApiKeys.EfApiKeyStore>();   // AUTH-9
        // AUTH-4: signing keys live in the shared database.
        services.TryAddSingleton<Security.Authentication.ISigningKeyRepository, SigningKeys.EfSigningKeyRepository>();
        services.AddHostedService<Sessions.SessionRevocationLoader>();
        services.AddBulwarkErpAuthorization();   // AZ-2/AZ-3: current roles → permissions, ownership handlers
        services.TryAddScoped<Bulwark.Security.Bans.IBanRepository, Bans.EfBanRepository>(); // BAN-1: bans in the database
        services.Configure<JsonOptions>(o =>
        {
            // Source-generated metadata first; no reflection-based serialization on the hot path.
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, InventoryJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, EmployeesJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, Ledger.LedgerJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, Users.UsersJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, Bans.BansJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiKeys.ApiKeysJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, Mfa.MfaJsonContext.Default);
        });
        services.AddScoped<Crypto.DataKeyRotator>();   // DATA-1: rotate-data-keys
        // DATA-4: encrypted backups (backup / restore verbs); DATA-5: the backup key is required outside Development.
        services.AddOptions<Backup.BackupOptions>().BindConfiguration(Backup.BackupOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Backup.BackupOptions>, Backup.BackupOptionsValidator>());
        services.AddScoped<Backup.BackupService>();
        services.AddTransient<DatabaseInitializer>();
        services.AddTransient<Seeding.DemoSeeder>();
        return builder;
    }

    /// <summary>
    /// Issue 7 / AZ-4: the request scope's context, leased from the pool and bound to this scope's tenant and clock
    /// before anything can query it; disposing the scope returns it (EF Core resets its change tracker and settings).
    /// </summary>
    private static BulwarkDbContext Lease<TContext>(IServiceProvider services)
        where TContext : BulwarkDbContext
    {
        var db = services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext();
        db.Bind(services.GetRequiredService<ICurrentTenant>(), services.GetRequiredService<TimeProvider>());
        services.GetRequiredService<AuditPending>().Reset(db);   // LOG-3: no audit event outlives the unit of work that described it
        return db;
    }

    /// <summary>
    /// Issue 7: the request path's PostgreSQL connection with Npgsql's automatic preparation on unless the operator set
    /// it: a statement the application sends again and again (a list page, the tenant setting) is parsed and planned once
    /// per physical connection instead of on every execution (prepared statements survive Npgsql's pool reset).
    /// </summary>
    public static string? PostgresConnectionString(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured };
        if (given.Keys.Cast<string>().Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            return configured;
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(configured) { MaxAutoPrepare = 64 }.ConnectionString;
    }

    /// <summary>The configured SQLite connection, or <c>bulwark.db</c> in the data folder; 30 s busy timeout.</summary>
    internal static string SqliteConnectionString(IServiceProvider services)
    {
        var configured = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString;
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? "Data Source=" + services.GetRequiredService<BulwarkDataDirectory>().Combine("bulwark.db")
            : configured)
        {
            DefaultTimeout = 30,
            Pooling = true,
        };
        return builder.ToString();
    }
}
