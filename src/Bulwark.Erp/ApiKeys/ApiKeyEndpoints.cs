using Bulwark.Erp.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Erp.Users;
using Bulwark.Security.Audit;
using Bulwark.Security.Authentication;
using Bulwark.Security.Authorization;
using Bulwark.Security.Errors;
using Bulwark.Security.RateLimiting;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.ApiKeys;

/// <summary>
/// AUTH-9: a tenant's API keys — create (the key is shown once), list, inspect, revoke. Managed by signed-in users
/// holding api-keys:manage, never by an API key; creating one needs the creator's password (AUTH-11) and can grant
/// only permissions the creator holds. A revocation reaches every instance at once (the revocation set of AUTH-6).
/// </summary>
public static class ApiKeyEndpoints
{
    public static readonly SortMap<ApiKey> Sort = new SortMap<ApiKey>()
        .Add("createdAt", k => k.CreatedAt)
        .Add("expiresAt", k => k.ExpiresAt)
        .Add("name", k => k.Name);

    public static RouteGroupBuilder MapApiKeys(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api-keys").WithTags("API keys").RequireUserPermission(Permissions.ApiKeysManage);
        // RL-1: the auth tier; RL-5: the password check runs behind the hashing gate.
        group.MapPost("/", CreateApiKey).WithName("CreateApiKey").RequireRateLimitTier(RateLimitTier.Auth).RequirePasswordHashingSlot();
        group.MapGet("/", ListApiKeys).WithName("ListApiKeys").WithListQuery(Sort.Names, "active");
        group.MapGet("/{id:guid}", GetApiKey).WithName("GetApiKey");
        group.MapDelete("/{id:guid}", RevokeApiKey).WithName("RevokeApiKey");
        return group;
    }

    private static async Task<Created<ApiKeyCreatedResponse>> CreateApiKey(CreateApiKeyRequest request, HttpContext http,
        Reauthentication reauthentication, BulwarkDbContext db, UnitOfWork unitOfWork, ISecurityEvents events,
        IOptions<ApiKeyOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var lifetime = request.ExpiresInDays ?? CreateApiKeyRequest.DefaultLifetimeDays;
        if (lifetime > options.Value.MaxLifetimeDays)
        {
            throw BusinessRuleException.Unprocessable($"An API key lives at most {options.Value.MaxLifetimeDays} days.", "expiresInDays");
        }

        await reauthentication.RequireAsync(http, caller.UserId, request.CurrentPassword!, request.Code, SecurityEventTypes.ApiKeyCreated,
            cancellationToken);
        // AUTH-9/AZ-2: a key can only narrow what its creator may do, never widen it.
        var held = await http.GetPermissionsAsync();
        var scopes = request.Permissions!.Select(p => p!).ToList();
        if (scopes.FirstOrDefault(p => !held.Has(p)) is { } notHeld)
        {
            AuthorizationAudit.Denied(http, "AUTH-9 scope not held: " + notHeld);
            throw new BusinessRuleException(StatusCodes.Status403Forbidden, "An API key cannot have a permission you do not hold.");
        }

        var (secret, prefix, hash) = ApiKeyCodec.Create();
        var key = new ApiKey
        {
            TenantId = caller.TenantId,
            Name = request.Name!,
            Prefix = prefix,
            SecretHash = hash,
            Permissions = scopes,
            CreatedByUserId = caller.UserId,
            ExpiresAt = time.GetUtcNow().UtcDateTime.AddDays(lifetime),
        };
        await unitOfWork.RunAsync(ct =>
        {
            db.ApiKeys.Add(key);
            return Task.FromResult(key);
        }, cancellationToken);
        events.Emit(http, SecurityEventTypes.ApiKeyCreated, SecurityOutcome.Success,
            reason: $"key {key.Id} ({prefix}) [{string.Join(',', scopes)}] until {key.ExpiresAt:O}");
        // HDR-1/HDR-4: the body holds a secret: no-store (every authenticated response) and never compressed (no WithCompression).
        return TypedResults.Created($"/api/v1/api-keys/{key.Id}",
            new ApiKeyCreatedResponse(key.Id, key.Name, key.Prefix, key.Permissions, key.CreatedAt, key.ExpiresAt, secret));
    }

    private static async Task<Ok<PagedResult<ApiKeyResponse>>> ListApiKeys(PageQuery page, bool? active, BulwarkDbContext db,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var query = db.ApiKeys.AsNoTracking();   // AZ-4: the caller's tenant only (query filter)
        if (active == true)
        {
            query = query.Where(k => k.RevokedAt == null && k.ExpiresAt > now);
        }

        return TypedResults.Ok(await query.ToPageAsync(db, page, Sort,
            k => new ApiKeyResponse(k.Id, k.Name, k.Prefix, k.Permissions, k.CreatedByUserId, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt),
            cancellationToken));
    }

    private static async Task<Results<Ok<ApiKeyResponse>, NotFound>> GetApiKey(Guid id, BulwarkDbContext db, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        return key is null ? TypedResults.NotFound() : TypedResults.Ok(ApiKeyResponse.From(key));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeApiKey(Guid id, HttpContext http, BulwarkDbContext db,
        UnitOfWork unitOfWork, ISessionRevocations revocations, IOptions<ApiKeyOptions> options, ISecurityEvents events,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = CallerContext.From(http.User)!;
        var now = time.GetUtcNow();
        var key = await unitOfWork.RunAsync(async ct =>
        {
            var found = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);   // AZ-4: another tenant's id → 404
            if (found is { RevokedAt: null })
            {
                found.RevokedAt = now.UtcDateTime;
                found.RevokedByUserId = caller.UserId;
            }

            return found;
        }, cancellationToken);
        if (key is null)
        {
            return TypedResults.NotFound();
        }

        // AUTH-6/AUTH-9: every instance refuses the key from now on, without waiting for its cached record to expire.
        // Remembered as long as any instance may still hold the record from before the revocation.
        var rememberUntil = now + options.Value.CacheLifetime + TimeSpan.FromMinutes(1);
        await revocations.RevokeAsync([new RevokedSession(ApiKeyRecord.RevocationIdFor(key.Id), rememberUntil)], cancellationToken);
        events.Emit(http, SecurityEventTypes.ApiKeyRevoked, SecurityOutcome.Success, reason: $"key {key.Id} ({key.Prefix})");
        return TypedResults.NoContent();
    }
}
