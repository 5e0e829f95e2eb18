using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Bans;

public static class BansServiceCollectionExtensions
{
    /// <summary>
    /// BAN-1: attack detectors, escalating bans and the ban list, configured from <c>Bulwark:Bans</c> and validated at
    /// start. Needs an <see cref="IBanRepository"/> (the database; registered by the host's data layer). In scaled mode
    /// call <see cref="AddBulwarkRedisBans"/> first.
    /// </summary>
    public static IServiceCollection AddBulwarkBans(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BanOptions>().BindConfiguration(BanOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BanOptions>, BanOptionsValidator>());
        services.TryAddSingleton<BanList>();
        services.TryAddSingleton<IBanPropagation, LocalBanPropagation>();
        services.TryAddSingleton<AttackSignatures>();
        services.TryAddSingleton<BanService>();
        services.TryAddSingleton<IBanAdministration>(sp => sp.GetRequiredService<BanService>());
        services.AddHostedService<BanListRefresher>();
        return services;
    }

    /// <summary>BAN-1 (scaled mode): bans reach every instance at once through Redis keys the rate-limit script checks.</summary>
    public static IServiceCollection AddBulwarkRedisBans(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IBanPropagation, RedisBanPropagation>();
        return services;
    }
}
