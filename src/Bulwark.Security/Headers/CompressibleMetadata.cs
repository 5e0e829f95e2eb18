namespace Bulwark.Security.Headers;

/// <summary>
/// HDR-4: marks an endpoint whose responses may be compressed (large, secret-free bodies such as
/// lists). Endpoints that return tokens or keys never carry it (BREACH).
/// </summary>
public sealed class CompressibleMetadata
{
    public static readonly CompressibleMetadata Instance = new();
}
