using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Authorization;

/// <summary>AZ-6: the one cross-tenant read the application makes on purpose (is this id someone else's?).</summary>
internal static class TenantProbeQueries
{
    public static Task<bool> ExistsInOtherTenantAsync<TEntity>(BulwarkDbContext db, Guid id, Guid tenant, CancellationToken cancellationToken)
        where TEntity : TenantEntity =>
        db.Set<TEntity>().IgnoreQueryFilters().AsNoTracking().AnyAsync(e => e.Id == id && e.TenantId != tenant, cancellationToken);
}
