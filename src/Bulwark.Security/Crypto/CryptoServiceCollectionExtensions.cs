using Bulwark.Security.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Crypto;

public static class CryptoServiceCollectionExtensions
{
    /// <summary>
    /// DATA-1/DATA-5: the field cipher (AES-256-GCM envelopes, blind indexes) keyed from
    /// <c>Bulwark:Crypto:MasterKey</c> / <c>MasterKeyFile</c>. Outside Development a missing, malformed or
    /// generated development key stops the host at start, naming the setting.
    /// </summary>
    public static IServiceCollection AddBulwarkCrypto(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CryptoOptions>().BindConfiguration(CryptoOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CryptoOptions>, CryptoOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CryptoOptions>>().Value;
            var key = MasterKey.Load(options.MasterKey, options.MasterKeyFile, CryptoOptions.SectionName + ":MasterKey",
                sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<BulwarkDataDirectory>(), "master.key",
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Bulwark.Security.Crypto"));
            return new FieldCipher(key, options.ActiveKeyId);
        });
        services.AddExceptionHandler<FieldIntegrityExceptionHandler>();
        return services;
    }
}

/// <summary>DATA-5: no master key, or a development one, outside Development → the host does not start.</summary>
internal sealed class CryptoOptionsValidator(IHostEnvironment environment) : IValidateOptions<CryptoOptions>
{
    public ValidateOptionsResult Validate(string? name, CryptoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problem = MasterKey.Problem(options.MasterKey, options.MasterKeyFile, CryptoOptions.SectionName + ":MasterKey", environment);
        return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problem);
    }
}
