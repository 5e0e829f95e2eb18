using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.RateLimiting;

/// <summary>
/// RL-1/RL-4/RL-5: tiered request limits, the allow-list and the password-hashing gate, bound from
/// <c>Bulwark:RateLimiting</c> (env <c>Bulwark__RateLimiting__Login__PermitLimit</c>, …). Defaults are the
/// hardening checklist; every value is validated at start.
/// </summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "Bulwark:RateLimiting";

    /// <summary>RL-1: every request, per client IP. Default 100 per 60 s. Raising it lets one client take more of the instance.</summary>
    [Required, ValidateObjectMembers]
    public RateLimitTierOptions Global { get; set; } = new() { PermitLimit = 100 };

    /// <summary>RL-1: endpoints of the authentication tier (login, refresh, …), per client IP. Default 10 per 60 s.</summary>
    [Required, ValidateObjectMembers]
    public RateLimitTierOptions Auth { get; set; } = new() { PermitLimit = 10 };

    /// <summary>RL-1: password login, per client IP, on top of <see cref="Auth"/>. Default 5 per 60 s. Raising it speeds up password guessing.</summary>
    [Required, ValidateObjectMembers]
    public RateLimitTierOptions Login { get; set; } = new() { PermitLimit = 5 };

    /// <summary>RL-1: authenticated requests, per user (across IPs). Default 500 per 60 s.</summary>
    [Required, ValidateObjectMembers]
    public RateLimitTierOptions User { get; set; } = new() { PermitLimit = 500 };

    /// <summary>
    /// RL-4: client IPs or CIDR networks (<c>10.0.0.5</c>, <c>10.1.0.0/16</c>, <c>2001:db8::/48</c>) exempt from every
    /// tier. Default empty. Every entry is a client that can send without limit: list trusted services only.
    /// </summary>
    public List<string> AllowList { get; set; } = [];

    /// <summary>
    /// RL-5: password hashes computed at the same time. Default half the cores (at least 1), so a login flood
    /// leaves the other half to every other endpoint.
    /// </summary>
    [Range(1, 1024)]
    public int HashingConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// RL-5: logins waiting for a hashing slot; beyond it → 503 + Retry-After. Default the core count. A long queue
    /// only turns a flood into latency for everyone.
    /// </summary>
    [Range(0, 100_000)]
    public int HashingQueueLimit { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// RL-2: instances sharing the limits through Redis. Default 1. While Redis is unreachable each instance enforces
    /// every limit divided by this number (at least 1), so the cluster as a whole still allows about the configured
    /// limit. Too low a value lets a degraded cluster allow a multiple of the limit; too high a value throttles
    /// legitimate clients during the outage.
    /// </summary>
    [Range(1, 1000)]
    public int ExpectedInstances { get; set; } = 1;

    /// <summary>RL-5: Retry-After (seconds) on a 503 from the hashing gate. Default 1.</summary>
    [Range(1, 300)]
    public int HashingRetryAfterSeconds { get; set; } = 1;

    internal RateLimitTierOptions For(RateLimitTier tier) => tier switch
    {
        RateLimitTier.Global => Global,
        RateLimitTier.Auth => Auth,
        RateLimitTier.Login => Login,
        RateLimitTier.User => User,
        _ => throw new ArgumentOutOfRangeException(nameof(tier)),
    };
}

/// <summary>RL-1: one tier: <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>, sliding window.</summary>
public sealed class RateLimitTierOptions
{
    /// <summary>Requests allowed per window and partition.</summary>
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 100;

    /// <summary>Window length in seconds. Default 60.</summary>
    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>
    /// Segments the window slides by. Default 6 (10 s each): a permit returns 60 s after it was used, rounded to
    /// the segment. More segments are more exact and cost more memory per partition.
    /// </summary>
    [Range(1, 600)]
    public int SegmentsPerWindow { get; set; } = 6;

    /// <summary>
    /// RL-2: true = log and emit <c>ratelimit.rejected</c> for what this tier would refuse, but refuse nothing.
    /// Default false. For trying a new limit on live traffic before enforcing it.
    /// </summary>
    public bool ReportOnly { get; set; }
}

[OptionsValidator]
internal sealed partial class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>;
