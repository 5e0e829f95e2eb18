using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Transport;

/// <summary>
/// VAL-5: a declared Content-Length over the limit is refused with 413 before anything reads the body;
/// chunked bodies are cut by Kestrel's MaxRequestBodySize while reading (also 413). Also applies the
/// limit on servers that do not enforce it themselves (the in-process test server).
/// </summary>
internal sealed class BodySizeGuardMiddleware(RequestDelegate next, IOptions<TransportOptions> options)
{
    private readonly long _limit = options.Value.MaxRequestBodyBytes;

    public Task Invoke(HttpContext context)
    {
        if (context.Request.ContentLength > _limit)
        {
            context.Response.Headers.Connection = "close";
            return ProblemWriter.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.").AsTask();
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false } && (feature.MaxRequestBodySize is null || feature.MaxRequestBodySize > _limit))
        {
            feature.MaxRequestBodySize = _limit;
        }

        return next(context);
    }
}
