using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Authentication;

/// <summary>AUTH-4: the signing-key lifecycle, bound from <c>Bulwark:SigningKeys</c>.</summary>
public sealed class SigningKeyOptions
{
    public const string SectionName = "Bulwark:SigningKeys";

    /// <summary>
    /// How long a key signs before its successor takes over (scheduled rotation). Default 30 days; longer keeps a
    /// stolen key useful for longer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a new key is published in <c>/.well-known/jwks.json</c> before it signs, so every instance and every
    /// client caching the JWKS knows it before the first token arrives. Default 1 hour; at least twice
    /// <see cref="RefreshInterval"/> and shorter than <see cref="RotationInterval"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan AnnounceLead { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often each instance re-reads the keys from the database (and rotates or retires when due). Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
