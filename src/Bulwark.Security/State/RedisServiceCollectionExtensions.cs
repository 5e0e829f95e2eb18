using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bulwark.Security.State;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Shared security state: binds and validates <c>Bulwark:Redis</c> and, when a server is configured, registers
    /// the one <see cref="IConnectionMultiplexer"/> of the process. Returns true in scaled mode (Redis configured),
    /// false in embedded mode (nothing registered; the in-memory stores apply).
    /// </summary>
    public static bool AddBulwarkRedis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisConfigurationValidator>());

        if (string.IsNullOrWhiteSpace(configuration[RedisOptions.SectionName + ":Configuration"]))
        {
            return false;
        }

        services.TryAddSingleton<IConnectionMultiplexer>(sp => Connect(sp.GetRequiredService<IOptions<RedisOptions>>().Value,
            sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        services.TryAddSingleton<RedisKeys>();
        return true;
    }

    private static ConnectionMultiplexer Connect(RedisOptions options, Microsoft.Extensions.Logging.ILoggerFactory? logging)
    {
        var config = ConfigurationOptions.Parse(options.Configuration!);
        // RL-2: an unreachable Redis must not stop the host nor stall requests: start disconnected and keep
        // reconnecting in the background, fail calls at once while disconnected (no backlog queue), and bound
        // each call; the stores answer from their per-instance fallback meanwhile.
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.AsyncTimeout = options.OperationTimeoutMilliseconds;
        config.SyncTimeout = options.OperationTimeoutMilliseconds;
        config.ConnectTimeout = Math.Max(options.OperationTimeoutMilliseconds, 1000);
        config.ClientName ??= "bulwark";
        config.LoggerFactory = logging;
        return ConnectionMultiplexer.Connect(config);
    }
}
