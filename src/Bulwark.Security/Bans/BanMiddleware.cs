using System.Buffers;
using System.Text;
using Bulwark.Security.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Bans;

/// <summary>What the ban detectors learnt about a request before the endpoint ran (set only for requests that got past the ban check and limits).</summary>
internal sealed class AbuseObservation
{
    public required bool EndpointMatched { get; init; }

    public required bool AuthEndpoint { get; init; }

    public required bool HadCredentials { get; init; }
}

/// <summary>
/// BAN-1, before authentication and JSON parsing (right after the ban check + IP limits): attack signatures in the user
/// agent, request target and small text bodies ban the client at once (403). Records what the response-status
/// detectors need.
/// </summary>
internal sealed class BanSignatureMiddleware(RequestDelegate next, AttackSignatures signatures, BanService bans,
    ClientIpAllowList allowList, Authentication.PresentedCredentials credentials, IOptions<BanOptions> options)
{
    private readonly BanOptions _options = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null || allowList.Contains(address))
        {
            return next(context); // RL-4: allow-listed services are never banned; no address, no ban key
        }

        var endpoint = context.GetEndpoint();
        context.Features.Set(new AbuseObservation
        {
            EndpointMatched = endpoint is not null,
            AuthEndpoint = endpoint?.Metadata.GetMetadata<RateLimitTierMetadata>() is not null,
            HadCredentials = credentials.HasAny(context.Request),
        });

        var reason = signatures.MatchRequest(context);
        if (reason is not null)
        {
            return BanAsync(context, ClientPartitionKey.For(address), reason);
        }

        return _options.InspectBodies && IsInspectable(context.Request) ? InspectBodyAsync(context, ClientPartitionKey.For(address)) : next(context);
    }

    private bool IsInspectable(HttpRequest request) =>
        request.ContentLength is > 0 and var length && length <= _options.MaxInspectedBodyBytes
        && request.ContentType is { } type
        && (type.Contains("json", StringComparison.OrdinalIgnoreCase) || type.Contains("form", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || type.Contains("xml", StringComparison.OrdinalIgnoreCase));

    private async Task InspectBodyAsync(HttpContext context, string key)
    {
        var length = (int)context.Request.ContentLength!.Value;
        context.Request.EnableBuffering(_options.MaxInspectedBodyBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = await context.Request.Body.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false,
                context.RequestAborted);
            context.Request.Body.Position = 0;
            var body = Encoding.UTF8.GetString(buffer, 0, read);
            if (AttackSignatures.IsPayload(AttackSignatures.DecodeBody(body)))
            {
                await BanAsync(context, key, AttackSignatures.PayloadReason);
                return;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await next(context);
    }

    private async Task BanAsync(HttpContext context, string key, string reason)
    {
        if (await bans.BanAsync(context, key, reason))
        {
            context.Features.Set<AbuseObservation>(null);
            await BanResponses.WriteBannedAsync(context);
            return;
        }

        await next(context); // report-only
    }
}

/// <summary>
/// BAN-1, around the whole pipeline (it sees the final status, after exception handling): counts authentication
/// failures (401 on an auth endpoint or with credentials), validation failures (400/422) and requests to unknown
/// paths (no endpoint: 404, or 401 when anonymous) per client IP in sliding windows; the request that reaches a threshold bans the client.
/// Counting uses the rate-limit store (Redis in scaled mode, so the thresholds hold for the cluster) and costs a
/// store call only for failed requests.
/// </summary>
internal sealed class BanObserverMiddleware(RequestDelegate next, IRateLimitStore store, BanService bans, IOptions<BanOptions> options)
{
    private readonly RateLimitRule _auth = Rule("abuse-auth", options.Value.AuthFailureThreshold, options.Value.AuthFailureWindowSeconds);
    private readonly RateLimitRule _validation = Rule("abuse-validation", options.Value.ValidationFailureThreshold,
        options.Value.ValidationFailureWindowSeconds);
    private readonly RateLimitRule _unknownPath = Rule("abuse-unknown-path", options.Value.UnknownPathThreshold,
        options.Value.UnknownPathWindowSeconds);

    // BAN-1 probing counts DISTINCT unknown paths: one "seen" counter per (IP, path) with room for one, as a gate in
    // front of the count, so a client retrying one broken link is not a scanner walking a word list.
    private readonly RateLimitRule _pathSeen = new("abuse-unknown-path-seen", 1,
        TimeSpan.FromSeconds(options.Value.UnknownPathWindowSeconds), 10);

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var observation = context.Features.Get<AbuseObservation>();
        if (observation is null)
        {
            return; // banned, limited, exempt or already handled
        }

        var status = context.Response.StatusCode;
        var (rule, reason) = status switch
        {
            // No endpoint: 404, or 401 for an anonymous caller (the deny-by-default fallback policy answers first).
            StatusCodes.Status404NotFound or StatusCodes.Status401Unauthorized or StatusCodes.Status405MethodNotAllowed
                when !observation.EndpointMatched => (_unknownPath, "unknown-paths"),
            StatusCodes.Status401Unauthorized when observation.AuthEndpoint || observation.HadCredentials => (_auth, "auth-failures"),
            StatusCodes.Status400BadRequest or StatusCodes.Status422UnprocessableEntity => (_validation, "validation-failures"),
            _ => (null, null),
        };
        if (rule is null)
        {
            return;
        }

        var key = ClientPartitionKey.For(context.Connection.RemoteIpAddress);
        RateLimitCheck[] checks = rule == _unknownPath
            ? [new RateLimitCheck(_pathSeen, key, PathMember(context.Request), Gate: true), new RateLimitCheck(rule, key)]
            : [new RateLimitCheck(rule, key)];
        var verdict = await store.AcquireAsync(checks, null, CancellationToken.None);
        if (verdict.Refusals.Any(r => r.Index == checks.Length - 1))
        {
            await bans.BanAsync(context, key, reason!);   // the threshold counter itself refused (not the seen gate)
        }
    }

    // A short digest of the path (not the query): bounded key size whatever the client sends.
    private static string PathMember(HttpRequest request) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(request.PathBase + request.Path)).AsSpan(0, 8));

    // Threshold N: N-1 failures are counted, the N-th is refused by the window, and that refusal bans.
    private static RateLimitRule Rule(string name, int threshold, int windowSeconds) =>
        new(name, Math.Max(1, threshold - 1), TimeSpan.FromSeconds(windowSeconds), 10);
}

internal static class BanResponses
{
    /// <summary>BAN-1: 403 problem+json; the client learns nothing about why or for how long.</summary>
    public static ValueTask WriteBannedAsync(HttpContext context) =>
        Errors.ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, "Access from this address is blocked.");
}
