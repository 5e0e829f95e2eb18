using System.Globalization;
using System.Threading.RateLimiting;
using Bulwark.Security.Audit;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Security.RateLimiting;

/// <summary>
/// RL-3: the 429 answer: problem+json, <c>Retry-After</c> (RFC 9110 §10.2.3, delay-seconds) and the RateLimit
/// headers in the structured-field form of draft-ietf-httpapi-ratelimit-headers-09/-10:
/// <c>RateLimit-Policy: "login";q=5;w=60</c> (quota q per window w seconds) and
/// <c>RateLimit: "login";r=0;t=10</c> (remaining r, seconds t until quota is available again).
/// Emits <c>ratelimit.rejected</c> (LOG-2).
/// </summary>
internal static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string RateLimit = "RateLimit";

    public static string PolicyName(RateLimitTier tier) => tier switch
    {
        RateLimitTier.Global => "global",
        RateLimitTier.Auth => "auth",
        RateLimitTier.Login => "login",
        RateLimitTier.User => "user",
        _ => "unknown",
    };

    public static ValueTask WriteRejectionAsync(HttpContext context, RateLimitLease lease)
    {
        if (lease.TryGetMetadata(TierLease.BanMetadata, out _))
        {
            // BAN-1: a banned client learns only that it is refused: no reason, no end time, nothing else done.
            return Bans.BanResponses.WriteBannedAsync(context);
        }

        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        // A lease from anywhere else (should not happen) is still a 429 on the global tier: fail closed.
        var tier = lease.TryGetMetadata(TierLease.TierMetadata, out var t) ? t : RateLimitTier.Global;
        var tierOptions = options.For(tier);
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(tierOptions.WindowSeconds);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var name = PolicyName(tier);

        var headers = context.Response.Headers;
        headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        headers[Policy] = string.Create(CultureInfo.InvariantCulture, $"\"{name}\";q={tierOptions.PermitLimit};w={tierOptions.WindowSeconds}");
        headers[RateLimit] = string.Create(CultureInfo.InvariantCulture, $"\"{name}\";r=0;t={seconds}");

        context.RequestServices.GetRequiredService<ISecurityEvents>()
            .Emit(context, SecurityEventTypes.RateLimitRejected, SecurityOutcome.Denied, reason: name);
        return ProblemWriter.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests. Retry after the delay in Retry-After.");
    }
}
