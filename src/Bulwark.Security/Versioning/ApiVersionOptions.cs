namespace Bulwark.Security.Versioning;

/// <summary>
/// OPS-2: the lifecycle of each API version, bound from <c>Bulwark:ApiVersions</c>, e.g.
/// <c>Bulwark__ApiVersions__v1__DeprecatedAt=2027-06-01</c>, <c>…__SunsetAt=2027-12-01</c>,
/// <c>…__Link=https://docs.example/migrate-to-v2</c>. Nothing set: the version is current.
/// </summary>
public sealed class ApiVersionOptions
{
    public const string SectionName = "Bulwark:ApiVersions";

    public Dictionary<string, ApiVersionLifecycle> Versions { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>When a version was deprecated and when it stops answering.</summary>
public sealed class ApiVersionLifecycle
{
    /// <summary>From this instant responses carry <c>Deprecation</c> (RFC 9745).</summary>
    public DateTimeOffset? DeprecatedAt { get; set; }

    /// <summary>From this instant the version answers 410 Gone; before it, responses carry <c>Sunset</c> (RFC 8594).</summary>
    public DateTimeOffset? SunsetAt { get; set; }

    /// <summary>Migration guide, sent as <c>Link: &lt;…&gt;; rel="deprecation"</c>.</summary>
    public Uri? Link { get; set; }
}
