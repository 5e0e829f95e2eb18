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
    /// Legacy ES256 key file (PKCS#8 PEM; empty: <c>signing-key.pem</c> in the data folder). Read once, when the key
    /// store (database) holds no key yet: the key is imported, encrypted, so tokens it signed stay valid. Keys are
    /// otherwise generated and rotated in the database (<see cref="SigningKeyOptions"/>).
    /// </summary>
    [MaxLength(4096)]
    public string? SigningKeyPath { get; set; }
}
