using System.Security.Claims;
using System.Text.Encodings.Web;
using Bulwark.Security.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-9: authenticates <c>Authorization: ApiKey bwk_…</c> (or the configured key header). The key must exist,
/// match its stored hash (constant-time), be unexpired and not revoked (the shared revocation set, checked on
/// every request without I/O). The principal is the key: its tenant, the user who created it (whose current
/// permissions, narrowed to the key's scopes, are what it may do) and the key id; it has no session.
/// AUTH-10: every failure is the same 401 (no reason to the client); the reason goes into the
/// <c>auth.token.rejected</c> event.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    PresentedCredentials credentials,
    IApiKeyStore store,
    ApiKeyCache cache,
    ISessionRevocations revocations,
    TimeProvider time,
    ISecurityEvents events) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = credentials.ApiKey(Request);
        if (presented is null)
        {
            return credentials.HasApiKey(Request) ? Reject("malformed") : AuthenticateResult.NoResult();
        }

        if (!ApiKeyCodec.TryParse(presented, out var prefix, out var secret))
        {
            return Reject("malformed");
        }

        var entry = await cache.GetAsync(prefix, store, Context.RequestAborted);
        if (entry is null || !ApiKeyCodec.Matches(secret, entry.Record.SecretHash))
        {
            return Reject("api_key_unknown");
        }

        var key = entry.Record;
        var now = time.GetUtcNow();
        if (key.RevokedAt is not null || revocations.IsRevoked(key.RevocationId))
        {
            cache.Invalidate(prefix);
            return Reject("api_key_revoked");
        }

        if (key.ExpiresAt <= now)
        {
            return Reject("api_key_expired");
        }

        if (cache.ShouldRecordUse(entry, now))
        {
            await RecordUseAsync(key, now);
        }

        var claims = new List<Claim>(3 + key.Scopes.Count)
        {
            new(BulwarkClaims.Subject, key.OwnerUserId.ToString()),
            new(BulwarkClaims.Tenant, key.TenantId.ToString()),
            new(BulwarkClaims.ApiKeyId, key.Id.ToString("N")),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(BulwarkClaims.Scope, s)));
        var identity = new ClaimsIdentity(claims, Scheme.Name, BulwarkClaims.Subject, BulwarkClaims.Roles);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    /// <summary>AUTH-10: the same challenge as for a bad access token (the body comes from the problem-details pages).</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private AuthenticateResult Reject(string reason)
    {
        // LOG-2: a presented but invalid key is a security event; BAN-1 counts the 401 as an authentication failure.
        events.Emit(Context, SecurityEventTypes.TokenRejected, SecurityOutcome.Failure, reason: reason);
        return AuthenticateResult.Fail("The API key is not valid.");
    }

    private async Task RecordUseAsync(ApiKeyRecord key, DateTimeOffset now)
    {
        try
        {
            await store.RecordUseAsync(key, now, Context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The last-used time is bookkeeping: a failed write must not fail an authenticated request.
            LogUseNotRecorded(Logger, e, key.Id);
        }
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Could not record the use of API key {ApiKeyId}")]
    private static partial void LogUseNotRecorded(ILogger logger, Exception exception, Guid apiKeyId);
}
