using Bulwark.Security.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Erp.Authorization;

public static class ErpAuthorizationServiceCollectionExtensions
{
    /// <summary>AZ-2/AZ-3: the ERP's permission source (current roles from the database) and ownership handlers.</summary>
    public static IServiceCollection AddBulwarkErpAuthorization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PlatformOptions>().BindConfiguration(PlatformOptions.SectionName);   // AZ-2: the operator tenant
        services.TryAddScoped<IPermissionSource, ErpPermissionSource>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, Employees.EmployeeAccessHandler>());
        return services;
    }
}
