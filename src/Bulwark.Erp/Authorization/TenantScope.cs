using System.Data;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-4/DATA-3: the tenant a credential flow has established before there is a principal — login (the tenant slug),
/// refresh (the refresh token), the MFA step (the challenge token), API-key authentication (the key's prefix) and
/// <c>create-admin</c>. The authentication tables (<c>users</c>, <c>sessions</c>, <c>refresh_tokens</c>, <c>api_keys</c>,
/// <c>mfa_*</c>) are under row-level security like every other tenant table, so these flows first learn the tenant the
/// credential belongs to (on PostgreSQL through a SECURITY DEFINER function that answers the tenant id only, see
/// <see cref="PostgresRowLevelSecurity"/>), enter it here, and only then read the credential's rows, which the policy
/// now shows — and only that tenant's. <see cref="HttpCurrentTenant"/> reports it when the principal has no tenant,
/// so <see cref="TenantSessionInterceptor"/> sets it on every connection the scope opens afterwards.
/// </summary>
/// <remarks>One tenant per scope: entering a second, different one is a bug and throws.</remarks>
public sealed class TenantScope
{
    public Guid? TenantId { get; private set; }

    /// <summary>Enters <paramref name="tenantId"/>; applies it to <paramref name="db"/>'s connection when it is open (a unit of work): at once, or with its next command.</summary>
    public async Task EnterAsync(BulwarkDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (TenantId == tenantId)
        {
            return;
        }

        if (TenantId is not null)
        {
            throw new InvalidOperationException("A scope serves one tenant.");
        }

        TenantId = tenantId;
        if (db is PostgresBulwarkDbContext && db.Database.GetDbConnection() is { State: ConnectionState.Open } connection)
        {
            await TenantSessionInterceptor.RefreshAsync(db, connection, cancellationToken);
        }
    }

    /// <summary>
    /// Enters the tenant of a credential, if it exists: <paramref name="postgres"/> asks the SECURITY DEFINER lookup
    /// (it sees across tenants, the application role does not); on SQLite (no row-level security) the application's own
    /// <paramref name="embedded"/> query answers. Returns false for an unknown credential (nothing entered).
    /// </summary>
    internal async Task<bool> EnterTenantOfAsync(BulwarkDbContext db, FormattableString postgres, IQueryable<Guid> embedded,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var tenant = db is PostgresBulwarkDbContext
            ? await db.Database.SqlQuery<Guid?>(postgres).SingleAsync(cancellationToken)
            : await embedded.Select(t => (Guid?)t).FirstOrDefaultAsync(cancellationToken);
        if (tenant is not { } id)
        {
            return false;
        }

        await EnterAsync(db, id, cancellationToken);
        return true;
    }
}
