using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.State;

/// <summary>
/// Shared security state (RL-2, BAN-1, later revocations and lockouts): the Redis server every instance of a
/// scaled deployment uses, bound from <c>Bulwark:Redis</c> (env <c>Bulwark__Redis__Configuration</c>). With no
/// <see cref="Configuration"/> every piece of state stays in memory, per instance (embedded mode).
/// </summary>
public sealed class RedisOptions
{
    public const string SectionName = "Bulwark:Redis";

    /// <summary>
    /// StackExchange.Redis configuration string (<c>redis1:6379,password=…,ssl=true</c>). Default empty = embedded
    /// mode: limits and bans are per instance, so N instances allow N times the configured limits.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Prefix of every key Bulwark writes (<c>bulwark:{ip:1.2.3.4}:rl:global</c>). Default <c>bulwark</c>. Letters,
    /// digits, '-' and '_' only. Two deployments sharing one Redis must use different prefixes or share limits and bans.
    /// </summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,32}$")]
    public string KeyPrefix { get; set; } = "bulwark";

    /// <summary>
    /// RL-2: longest wait for one Redis call, in milliseconds. Default 500. Past it the request is answered from the
    /// per-instance fallback; a longer value makes every request wait that long while Redis is unresponsive.
    /// </summary>
    [Range(50, 30_000)]
    public int OperationTimeoutMilliseconds { get; set; } = 500;

    /// <summary>True when a Redis server is configured (scaled mode).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Configuration);
}

[OptionsValidator]
internal sealed partial class RedisOptionsValidator : IValidateOptions<RedisOptions>;

/// <summary>The configuration string must parse (a typo stops the host at start instead of silently running embedded).</summary>
internal sealed class RedisConfigurationValidator(Microsoft.Extensions.Hosting.IHostEnvironment environment) : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            var parsed = StackExchange.Redis.ConfigurationOptions.Parse(options.Configuration!);
            if (parsed.EndPoints.Count == 0)
            {
                return ValidateOptionsResult.Fail($"{RedisOptions.SectionName}:Configuration names no endpoint.");
            }

            // DATA-5: no development password outside Development.
            return !Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsDevelopment(environment)
                   && Hosting.WellKnownPasswords.IsWellKnown(parsed.Password)
                ? ValidateOptionsResult.Fail(Hosting.WellKnownPasswords.Message($"{RedisOptions.SectionName}:Configuration"))
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{RedisOptions.SectionName}:Configuration is invalid: {ex.Message}");
        }
    }
}
