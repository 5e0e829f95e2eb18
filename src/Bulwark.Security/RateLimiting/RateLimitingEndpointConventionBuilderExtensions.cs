using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Security.RateLimiting;

public static class RateLimitingEndpointConventionBuilderExtensions
{
    /// <summary>
    /// RL-1: puts the endpoints in an IP tier on top of the global one: <see cref="RateLimitTier.Auth"/> for
    /// authentication endpoints, <see cref="RateLimitTier.Login"/> (auth + login) for password login.
    /// </summary>
    public static TBuilder RequireRateLimitTier<TBuilder>(this TBuilder builder, RateLimitTier tier)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (tier is not (RateLimitTier.Auth or RateLimitTier.Login))
        {
            throw new ArgumentOutOfRangeException(nameof(tier), tier, "Endpoints can declare the Auth or Login tier; Global and User apply by themselves.");
        }

        builder.WithMetadata(new RateLimitTierMetadata(tier));
        return builder;
    }

    /// <summary>RL-5: the endpoint hashes a password: it runs only while holding a hashing slot (503 when none is free).</summary>
    public static TBuilder RequirePasswordHashingSlot<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(PasswordHashingMetadata.Instance);
        builder.Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder route)
            {
                route.FilterFactories.Add(PasswordHashingGate.Create);
            }
        });
        return builder;
    }
}
