using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Authentication;

/// <summary>AUTH-4: access-token settings, bound from <c>Bulwark:Jwt</c>.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Bulwark:Jwt";

    /// <summary>The <c>iss</c> of issued tokens and the only issuer accepted. Default "bulwark".</summary>
    [Required, MinLength(1), MaxLength(200)]
    public string Issuer { get; set; } = "bulwark";

    /// <summary>The <c>aud</c> of issued tokens and the only audience accepted. Default "bulwark-api".</summary>
    [Required, MinLength(1), MaxLength(200)]
    public string Audience { get; set; } = "bulwark-api";

    /// <summary>Access-token lifetime in minutes. Default 15; longer widens the window of a stolen token.</summary>
    [Range(1, 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>Tolerated clock skew in seconds. Default 30, at most 30 (AUTH-4).</summary>
    [Range(0, 30)]
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>
    /// File holding the ES256 signing key (PKCS#8 PEM). Empty: <c>signing-key.pem</c> in the data folder,
    /// generated on first start.
    /// </summary>
    [MaxLength(4096)]
    public string? SigningKeyPath { get; set; }
}
