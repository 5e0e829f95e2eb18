using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Security.Authorization;

public static class BulwarkAuthorizationServiceCollectionExtensions
{
    /// <summary>
    /// AZ-2/AZ-6: permission checks on framework authorization (requirement + handler), the per-instance
    /// permission cache with in-memory invalidation, and 403 problem+json with an <c>authz.denied</c> event
    /// on every denial. The application registers its <see cref="IPermissionSource"/> (the current roles of
    /// a user → permissions); without one the host refuses to start (<c>UseBulwarkSecurity</c>).
    /// </summary>
    public static IServiceCollection AddBulwarkAuthorization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BulwarkAuthorizationOptions>().BindConfiguration(BulwarkAuthorizationOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpContextAccessor();
        services.TryAddSingleton<PermissionCache>();
        services.TryAddSingleton<IPermissionInvalidation, InMemoryPermissionInvalidation>();
        services.TryAddScoped<IPermissionResolver, CachingPermissionResolver>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IAuthorizationHandler, PermissionAuthorizationHandler>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, ForbiddenResultHandler>());
        return services;
    }
}
