using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Headers;

/// <summary>HDR-1/HDR-2: response headers, bound from <c>Bulwark:Headers</c>.</summary>
public sealed class SecurityHeadersOptions
{
    public const string SectionName = "Bulwark:Headers";

    /// <summary>Content-Security-Policy for API responses. The default allows nothing at all.</summary>
    [Required, MaxLength(2000)]
    public string ContentSecurityPolicy { get; set; } =
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Permissions-Policy: every powerful feature off.</summary>
    [Required, MaxLength(2000)]
    public string PermissionsPolicy { get; set; } =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    /// <summary>HSTS max-age in seconds, sent on HTTPS only. Default 63072000 (2 years).</summary>
    [Range(0, 126144000)]
    public int HstsMaxAgeSeconds { get; set; } = 63_072_000;

    /// <summary>Adds <c>includeSubDomains; preload</c> to HSTS. Default true.</summary>
    public bool HstsIncludeSubDomainsAndPreload { get; set; } = true;
}
