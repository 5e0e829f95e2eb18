using Bulwark.Erp.Authorization;
using Bulwark.Erp.Data;
using Bulwark.Security.Authentication;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.ApiKeys;

/// <summary>
/// AUTH-9: API keys in the ERP database. Authentication runs before the request has a principal, so each call uses
/// its own scope: the request's DbContext, created later, must see the caller's tenant (AZ-4 query filter), which a
/// context created during authentication would not; and the key's tenant entered here must not leak into the request.
/// </summary>
internal sealed class EfApiKeyStore(IServiceScopeFactory scopes) : IApiKeyStore
{
    public async Task<ApiKeyRecord?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        // AZ-4: across tenants on purpose — the prefix names the key's tenant, entered before the key's row is read
        // under that tenant's row-level security.
        if (!await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterTenantOfAsync(db,
                $"SELECT bulwark_tenant_of_api_key({prefix}) AS \"Value\"",
                db.ApiKeys.IgnoreQueryFilters().Where(k => k.Prefix == prefix).Select(k => k.TenantId), cancellationToken))
        {
            return null;
        }

        var key = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        return key is null
            ? null
            : new ApiKeyRecord(key.Id, key.TenantId, key.CreatedByUserId, key.SecretHash, key.Permissions,
                Utc(key.ExpiresAt), key.RevokedAt is { } revoked ? Utc(revoked) : null, key.LastUsedAt is { } used ? Utc(used) : null);
    }

    public async Task RecordUseAsync(ApiKeyRecord key, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterAsync(db, key.TenantId, cancellationToken);   // AZ-4
        var keyId = key.Id;
        var when = at.UtcDateTime;
        using var _ = await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterAsync(cancellationToken);   // SQLite: one writer
        await db.ApiKeys.IgnoreQueryFilters().Where(k => k.Id == keyId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, when), cancellationToken);
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
