using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.RateLimiting;

/// <summary>
/// RL-1: the per-user tier. It needs the authenticated principal, so it runs right after authentication; the
/// framework's rate-limiting middleware (the IP tiers) runs before it, ahead of any token validation (DESIGN.md
/// request path, step 4) — except for requests that present a bearer token, whose IP tiers and ban check this stage
/// sends together with the user tier, in one store call (one Redis round trip; see <see cref="TieredRateLimiter"/>). The framework middleware is one instance fed by one <c>RateLimiterOptions</c>, so this
/// second stage drives the same <see cref="TieredRateLimiter"/> abstraction itself.
/// </summary>
internal sealed class UserRateLimitingMiddleware(RequestDelegate next, UserStageLimiter limiter)
{
    public Task InvokeAsync(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true || context.Features.Get<DeferredClientChecks>() is not null
            ? LimitAsync(context)
            : next(context);

    private async Task LimitAsync(HttpContext context)
    {
        using var lease = await limiter.Limiter.AcquireAsync(context, 1, context.RequestAborted);
        if (!lease.IsAcquired)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await RateLimitHeaders.WriteRejectionAsync(context, lease);
            return;
        }

        await next(context);
    }
}

/// <summary>The per-user stage's limiter (a distinct type so DI holds one of each stage).</summary>
internal sealed class UserStageLimiter(TieredRateLimiter limiter)
{
    public TieredRateLimiter Limiter => limiter;
}

/// <summary>The client-IP stage's limiter, handed to the framework middleware as its global limiter.</summary>
internal sealed class ClientIpStageLimiter(TieredRateLimiter limiter)
{
    public TieredRateLimiter Limiter => limiter;
}
