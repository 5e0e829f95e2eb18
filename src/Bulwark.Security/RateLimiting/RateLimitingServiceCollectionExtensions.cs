using Bulwark.Security.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.RateLimiting;

public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>
    /// RL-1..5: tiered limits on the framework's rate-limiting middleware (in-memory store), the allow-list and
    /// the password-hashing gate, configured from <c>Bulwark:RateLimiting</c> and validated at start.
    /// </summary>
    public static IServiceCollection AddBulwarkRateLimiting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<RateLimitingOptions>()
            .BindConfiguration(RateLimitingOptions.SectionName)
            .ValidateOnStart(); // Bulwark__RateLimiting__Login__PermitLimit=0 stops the host at start
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitingOptions>, AllowListValidator>());

        services.TryAddSingleton<ClientIpAllowList>();
        services.TryAddSingleton<Bans.BanList>();
        services.TryAddSingleton<IRateLimitStore, InMemoryRateLimitStore>();
        services.TryAddSingleton<PasswordHashingGate>();
        services.TryAddSingleton(sp => new ClientIpStageLimiter(Create(sp, RateLimitStage.ClientIp)));
        services.TryAddSingleton(sp => new UserStageLimiter(Create(sp, RateLimitStage.User)));

        services.AddRateLimiter(_ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<RateLimiterOptions>, RateLimiterSetup>());
        return services;
    }

    /// <summary>
    /// RL-2: limits and the ban check in Redis for the whole cluster (one Lua script per request), with per-instance
    /// fallback limits while Redis is unreachable. Needs <c>AddBulwarkRedis</c> (scaled mode); call before
    /// <see cref="AddBulwarkRateLimiting"/>.
    /// </summary>
    public static IServiceCollection AddBulwarkRedisRateLimiting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<Bans.BanList>();
        services.TryAddSingleton<RedisRateLimitStore>();
        services.TryAddSingleton<IRateLimitStore>(sp => sp.GetRequiredService<RedisRateLimitStore>());
        return services;
    }

    private static TieredRateLimiter Create(IServiceProvider sp, RateLimitStage stage) => new(stage,
        sp.GetRequiredService<IRateLimitStore>(), sp.GetRequiredService<ClientIpAllowList>(),
        sp.GetRequiredService<Authentication.PresentedCredentials>(),
        sp.GetRequiredService<IOptions<RateLimitingOptions>>(), sp.GetRequiredService<ISecurityEvents>(),
        sp.GetRequiredService<ILogger<TieredRateLimiter>>());

    /// <summary>Hands the IP stage to the framework middleware and renders its rejections (RL-3).</summary>
    private sealed class RateLimiterSetup(ClientIpStageLimiter limiter) : IConfigureOptions<RateLimiterOptions>
    {
        public void Configure(RateLimiterOptions options)
        {
            options.GlobalLimiter = limiter.Limiter;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => RateLimitHeaders.WriteRejectionAsync(context.HttpContext, context.Lease);
        }
    }

    /// <summary>RL-4: every allow-list entry must be an IP or a CIDR network.</summary>
    private sealed class AllowListValidator : IValidateOptions<RateLimitingOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
        {
            var bad = options.AllowList.Where(e => !NetworkParsing.TryParse(e, out _)).ToList();
            return bad.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{RateLimitingOptions.SectionName}:AllowList: not an IP or CIDR: {string.Join(", ", bad)}");
        }
    }
}
