using Bulwark.Erp.Data;
using Bulwark.Security.Authentication;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.SigningKeys;

/// <summary>
/// AUTH-4: signing keys in the shared database. Writes go through the <see cref="UnitOfWork"/>, so adding and
/// retiring a key are audited (LOG-3; the private-key column is redacted from the diff).
/// </summary>
internal sealed class EfSigningKeyRepository(IServiceScopeFactory scopes) : ISigningKeyRepository
{
    public async Task<IReadOnlyList<SigningKeyRecord>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        var rows = await db.Set<SigningKeyRow>().AsNoTracking().OrderBy(k => k.Generation).ToListAsync(cancellationToken);
        return rows.Select(r => new SigningKeyRecord(r.KeyId, r.Generation, r.PublicKey, r.ProtectedPrivateKey, r.CreatedAt,
            r.ActivatesAt, r.RetiredAt)).ToArray();
    }

    public async Task<bool> TryAddAsync(SigningKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        try
        {
            await scope.ServiceProvider.GetRequiredService<UnitOfWork>().RunAsync(_ =>
            {
                db.Add(new SigningKeyRow
                {
                    KeyId = key.KeyId,
                    Generation = key.Generation,
                    PublicKey = key.PublicKey,
                    ProtectedPrivateKey = key.ProtectedPrivateKey,
                    CreatedAt = key.CreatedAt,
                    ActivatesAt = key.ActivatesAt,
                });
                return Task.FromResult(0);
            }, cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // The unique generation: another instance (or rotate-keys) added this generation first.
            return false;
        }
    }

    public async Task RetireAsync(string keyId, DateTime retiredAt, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        await scope.ServiceProvider.GetRequiredService<UnitOfWork>().RunAsync(async ct =>
        {
            var row = await db.Set<SigningKeyRow>().FirstOrDefaultAsync(k => k.KeyId == keyId && k.RetiredAt == null, ct);
            if (row is not null)
            {
                row.RetiredAt = retiredAt;
                row.ProtectedPrivateKey = null;
            }

            return 0;
        }, cancellationToken);
    }
}
