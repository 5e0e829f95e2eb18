namespace Bulwark.Security.RateLimiting;

/// <summary>RL-1: the limit tiers. Names are stable: they appear in RateLimit-Policy headers and events.</summary>
public enum RateLimitTier
{
    /// <summary>Every request, per client IP.</summary>
    Global,

    /// <summary>Authentication endpoints, per client IP.</summary>
    Auth,

    /// <summary>Password login, per client IP (also counts against <see cref="Auth"/>).</summary>
    Login,

    /// <summary>Authenticated requests, per user.</summary>
    User,
}

/// <summary>RL-1: endpoint metadata naming the IP tier an endpoint belongs to beyond the global one.</summary>
public sealed record RateLimitTierMetadata(RateLimitTier Tier);

/// <summary>RL-5: endpoint metadata: the endpoint hashes a password and must hold a hashing slot.</summary>
public sealed class PasswordHashingMetadata
{
    internal static readonly PasswordHashingMetadata Instance = new();

    private PasswordHashingMetadata()
    {
    }
}
