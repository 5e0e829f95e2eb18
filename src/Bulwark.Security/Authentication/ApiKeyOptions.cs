using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Authentication;

/// <summary>AUTH-9: API keys for integrations, bound from <c>Bulwark:ApiKeys</c>.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Bulwark:ApiKeys";

    /// <summary>
    /// The request header that may carry a key besides <c>Authorization: ApiKey …</c>. Default <c>X-Api-Key</c>.
    /// </summary>
    [Required, RegularExpression("^[A-Za-z0-9-]{1,64}$")]
    public string HeaderName { get; set; } = "X-Api-Key";

    /// <summary>
    /// How long an instance keeps a key's stored record before reading it again. A revocation reaches every
    /// instance at once through the revocation set; this bounds how long any other change (expiry moved, owner
    /// removed) takes. Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The last-used time is written at most this often per key (not on every request). Default 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan LastUsedResolution { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest lifetime a key can be created with. Default 365 days.</summary>
    [Range(1, 3650)]
    public int MaxLifetimeDays { get; set; } = 365;
}
