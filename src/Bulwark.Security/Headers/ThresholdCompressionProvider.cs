using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Headers;

/// <summary>
/// HDR-4: the framework's response compression, restricted. A response is compressed only when its
/// endpoint opted in with <see cref="CompressibleMetadata"/> (never token/key endpoints: BREACH) and
/// its body is not known to be under the threshold (≈1 KB: below it compression costs more than it saves).
/// </summary>
internal sealed class ThresholdCompressionProvider : IResponseCompressionProvider
{
    public const int ThresholdBytes = 1024;
    private readonly ResponseCompressionProvider _inner;

    public ThresholdCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
    {
        _inner = new ResponseCompressionProvider(services, options);
    }

    public bool CheckRequestAcceptsCompression(HttpContext context) => _inner.CheckRequestAcceptsCompression(context);

    public ICompressionProvider? GetCompressionProvider(HttpContext context) => _inner.GetCompressionProvider(context);

    public bool ShouldCompressResponse(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<CompressibleMetadata>() is null)
        {
            return false;
        }

        if (context.Response.ContentLength is < ThresholdBytes)
        {
            return false;
        }

        return context.Response.StatusCode == StatusCodes.Status200OK && _inner.ShouldCompressResponse(context);
    }
}
