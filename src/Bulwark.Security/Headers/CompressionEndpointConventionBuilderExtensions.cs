using Microsoft.AspNetCore.Builder;

namespace Bulwark.Security.Headers;

public static class CompressionEndpointConventionBuilderExtensions
{
    /// <summary>HDR-4: allow compression of this endpoint's (secret-free, large) responses.</summary>
    public static TBuilder WithCompression<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(CompressibleMetadata.Instance);
        return builder;
    }
}
