using Bulwark.Erp.Data;
using Bulwark.Security.Authentication;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.ApiKeys;

/// <summary>
/// AUTH-9: API keys in the ERP database. Authentication runs before the request has a principal, so each call uses
/// its own scope: the request's DbContext, created later, must see the caller's tenant (AZ-4 query filter), which a
/// context created during authentication would not.
/// </summary>
internal sealed class EfApiKeyStore(IServiceScopeFactory scopes) : IApiKeyStore
{
    public async Task<ApiKeyRecord?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        // Across tenants on purpose: the key names its tenant (api_keys is an authentication table, outside RLS).
        var key = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        return key is null
            ? null
            : new ApiKeyRecord(key.Id, key.TenantId, key.CreatedByUserId, key.SecretHash, key.Permissions,
                Utc(key.ExpiresAt), key.RevokedAt is { } revoked ? Utc(revoked) : null, key.LastUsedAt is { } used ? Utc(used) : null);
    }

    public async Task RecordUseAsync(Guid keyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        var when = at.UtcDateTime;
        using var _ = await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterAsync(cancellationToken);   // SQLite: one writer
        await db.ApiKeys.IgnoreQueryFilters().Where(k => k.Id == keyId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, when), cancellationToken);
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
