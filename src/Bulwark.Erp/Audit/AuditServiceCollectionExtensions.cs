using Bulwark.Security.Audit;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Erp.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// LOG-3: the tamper-evident audit store: the SaveChanges interceptor that writes a chained audit
    /// event with every change (same transaction, fail closed), the bounded queue + background writer
    /// that store security events, and the chain verifier. Add <see cref="UseBulwarkAudit"/> to the DbContext options.
    /// </summary>
    public static IServiceCollection AddBulwarkAudit(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpContextAccessor();
        services.TryAddSingleton<AuditPending>();
        services.TryAddSingleton<AuditSaveChangesInterceptor>();
        services.TryAddSingleton<AuditCommitInterceptor>();
        services.TryAddSingleton<AuditQueue>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, AuditQueue>(sp => sp.GetRequiredService<AuditQueue>()));
        services.AddHostedService<AuditWriter>();
        services.TryAddScoped<AuditVerifier>();
        services.TryAddSingleton<AuditChainStatus>();
        // LOG-3: keyed checkpoints (HMAC key from configuration; generated in the data folder in Development only).
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<AuditCheckpointKey>();
        services.TryAddScoped<AuditCheckpoints>();
        services.AddHostedService<AuditCheckpointer>();
        services.TryAddScoped<AuditRetention>();   // LOG-5: retention (in-process job and the purge-audit verb)
        services.AddHostedService<AuditRetentionJob>();
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AuditApiJsonContext.Default));
        return services;
    }

    /// <summary>LOG-3: every SaveChanges of this context writes its audit events (see <see cref="AddBulwarkAudit"/>).</summary>
    public static DbContextOptionsBuilder UseBulwarkAudit(this DbContextOptionsBuilder options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        var interceptor = services.GetService<AuditSaveChangesInterceptor>()
            ?? throw new InvalidOperationException("LOG-3: call AddBulwarkAudit() before UseBulwarkAudit().");
        return options.AddInterceptors(interceptor, services.GetRequiredService<AuditCommitInterceptor>());
    }
}
