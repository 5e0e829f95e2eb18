using System.Globalization;
using System.Threading.RateLimiting;
using Bulwark.Security.Audit;
using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Security.RateLimiting;

/// <summary>
/// RL-5: password hashing is deliberately slow (PBKDF2, 210k iterations), so at most
/// <see cref="RateLimitingOptions.HashingConcurrency"/> run at once, with a short queue; past that the
/// request gets 503 + Retry-After at once. A login flood then costs a bounded share of the CPU and the other
/// endpoints keep being served.
/// </summary>
internal sealed class PasswordHashingGate : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly int _retryAfterSeconds;

    public PasswordHashingGate(IOptions<RateLimitingOptions> options)
    {
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.HashingConcurrency,
            QueueLimit = options.Value.HashingQueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _retryAfterSeconds = options.Value.HashingRetryAfterSeconds;
    }

    /// <summary>The endpoint filter installed by <c>RequirePasswordHashingSlot()</c>.</summary>
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var gate = context.ApplicationServices.GetRequiredService<PasswordHashingGate>();
        return invocation => gate.RunAsync(invocation, next);
    }

    private async ValueTask<object?> RunAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        using var lease = await _limiter.AcquireAsync(1, http.RequestAborted);
        if (!lease.IsAcquired)
        {
            http.Response.Headers[HeaderNames.RetryAfter] = _retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            http.RequestServices.GetRequiredService<ISecurityEvents>()
                .Emit(http, SecurityEventTypes.RateLimitRejected, SecurityOutcome.Denied, reason: "hashing-gate");
            await ProblemWriter.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, "The service is busy. Retry after the delay in Retry-After.");
            return Results.Empty;
        }

        return await next(invocation);
    }

    public void Dispose() => _limiter.Dispose();
}
