using System.Threading.RateLimiting;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.RateLimiting;

/// <summary>Which tiers a <see cref="TieredRateLimiter"/> charges.</summary>
internal enum RateLimitStage
{
    /// <summary>Before authentication: the global and auth/login tiers, keyed by client IP.</summary>
    ClientIp,

    /// <summary>After authentication: the per-user tier.</summary>
    User,
}

/// <summary>
/// RL-1: the tiers of one stage as a framework <see cref="PartitionedRateLimiter{TResource}"/> over the request,
/// so the ASP.NET Core rate-limiting middleware drives it. Which tiers apply comes from endpoint metadata
/// (<see cref="RateLimitTierMetadata"/>), never from the path. RL-4: allow-listed IPs are charged nothing.
/// RL-2: a tier in report-only mode logs and emits what it would refuse and lets the request through.
/// </summary>
/// <remarks>
/// All the work is in <see cref="AcquireAsyncCore"/>: <see cref="AttemptAcquireCore"/> answers "not granted yet",
/// and the framework middleware then awaits <c>AcquireAsync</c>. So a store that needs I/O (Redis) plugs in
/// without a blocking path, and each request is charged exactly once.
/// </remarks>
internal sealed partial class TieredRateLimiter(
    RateLimitStage stage,
    IRateLimitStore store,
    ClientIpAllowList allowList,
    PresentedCredentials credentials,
    IOptions<RateLimitingOptions> options,
    ISecurityEvents events,
    ILogger<TieredRateLimiter> logger) : PartitionedRateLimiter<HttpContext>
{
    private static readonly RateLimitLease Deferred = new TierLease(false, null, TimeSpan.Zero);
    private static readonly RateLimitLease Granted = new TierLease(true, null, TimeSpan.Zero);
    private static readonly RateLimitCheck[] None = [];
    private readonly RateLimitingOptions _options = options.Value;
    private readonly Dictionary<RateLimitTier, RateLimitRule> _rules =
        Enum.GetValues<RateLimitTier>().ToDictionary(t => t, t => RateLimitRule.For(t, options.Value.For(t)));

    public RateLimitStage Stage => stage;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        permitCount == 0 ? Granted : Deferred;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount,
        CancellationToken cancellationToken)
    {
        var checks = ChecksFor(resource, out var banKey);
        if (stage == RateLimitStage.ClientIp && checks.Length > 0 && credentials.HasAny(resource.Request))
        {
            // Hot-path budget (DESIGN.md: one Redis round trip per request for ban + rate limit): a request that presents
            // a credential (bearer token, API key or the AUTH-7 access cookie) will also be charged the per-user tier
            // right after authentication, so its IP tiers and ban check ride along in that one store call
            // (UserRateLimitingMiddleware, which also runs them when authentication fails). The cost: such a request has
            // its credential checked (local signature verification; for a key, a cached hash or one database read)
            // before it can be refused.
            resource.Features.Set(new DeferredClientChecks(checks, banKey));
            return Granted;
        }

        if (stage == RateLimitStage.User && resource.Features.Get<DeferredClientChecks>() is { } deferred)
        {
            resource.Features.Set<DeferredClientChecks?>(null);
            banKey = deferred.BanKey;
            checks = [.. deferred.Checks, .. checks];
        }

        if (checks.Length == 0)
        {
            return Granted;
        }

        // BAN-1: the IP stage checks the ban list in the same store call (one Redis round trip for both).
        var verdict = await store.AcquireAsync(checks, banKey, cancellationToken);
        if (verdict.Banned)
        {
            return new TierLease(false, null, verdict.BanRemaining ?? TimeSpan.Zero, banned: true);
        }

        RateLimitLease lease = Granted;
        foreach (var (index, retryAfter) in verdict.Refusals)
        {
            var tier = checks[index].Rule.Tier!.Value;
            if (_options.For(tier).ReportOnly)
            {
                // RL-2: report-only: record what would have been refused, refuse nothing.
                LogWouldReject(logger, tier);
                events.Emit(resource, SecurityEventTypes.RateLimitRejected, SecurityOutcome.Success,
                    reason: RateLimitHeaders.PolicyName(tier) + ";report-only");
            }
            else if (lease.IsAcquired)
            {
                // The first enforced tier that refused names the response's policy.
                lease = new TierLease(false, tier, retryAfter);
            }
        }

        return lease;
    }

    private RateLimitCheck[] ChecksFor(HttpContext context, out string? banKey)
    {
        banKey = null;
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null && stage == RateLimitStage.User)
        {
            return None; // the framework middleware already skips the IP stage for such endpoints
        }

        var address = context.Connection.RemoteIpAddress;
        if (allowList.Contains(address))
        {
            return None; // RL-4
        }

        if (stage == RateLimitStage.User)
        {
            var caller = CallerContext.From(context.User);
            // RL-1/AUTH-9: an API key has its own budget, not its creator's.
            return caller is null ? None : [new RateLimitCheck(_rules[RateLimitTier.User], caller.ApiKeyId is { } keyId
                ? $"key:{caller.TenantId:N}:{keyId}"
                : $"user:{caller.TenantId:N}:{caller.UserId:N}")];
        }

        var key = ClientPartitionKey.For(address);
        // BAN-1: only a real address can be banned; the shared "no address" partition is limited, never banned.
        banKey = address is null ? null : key;
        return endpoint?.Metadata.GetMetadata<RateLimitTierMetadata>()?.Tier switch
        {
            RateLimitTier.Auth => [new(_rules[RateLimitTier.Global], key), new(_rules[RateLimitTier.Auth], key)],
            RateLimitTier.Login => [new(_rules[RateLimitTier.Global], key), new(_rules[RateLimitTier.Auth], key),
                new(_rules[RateLimitTier.Login], key)],
            _ => [new(_rules[RateLimitTier.Global], key)],
        };
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Rate limit tier {Tier} would reject this request (report-only)")]
    private static partial void LogWouldReject(ILogger logger, RateLimitTier tier);
}

/// <summary>The client-IP stage's checks and ban key, left for the per-user stage to send in its store call.</summary>
internal sealed record DeferredClientChecks(RateLimitCheck[] Checks, string? BanKey);

/// <summary>A lease that says which tier refused and when to retry, or that the client is banned (BAN-1).</summary>
internal sealed class TierLease(bool isAcquired, RateLimitTier? tier, TimeSpan retryAfter, bool banned = false) : RateLimitLease
{
    public static readonly MetadataName<RateLimitTier> TierMetadata = MetadataName.Create<RateLimitTier>("BULWARK_TIER");

    /// <summary>BAN-1: the client is banned; the value is the time left (zero = permanent).</summary>
    public static readonly MetadataName<TimeSpan> BanMetadata = MetadataName.Create<TimeSpan>("BULWARK_BAN");

    public override bool IsAcquired => isAcquired;

    public override IEnumerable<string> MetadataNames =>
        banned ? [BanMetadata.Name] : tier is null ? [] : [MetadataName.RetryAfter.Name, TierMetadata.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        if (banned)
        {
            metadata = retryAfter;
            return metadataName == BanMetadata.Name;
        }

        if (tier is null)
        {
            return false;
        }

        if (metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = retryAfter;
            return true;
        }

        if (metadataName == TierMetadata.Name)
        {
            metadata = tier.Value;
            return true;
        }

        return false;
    }
}
