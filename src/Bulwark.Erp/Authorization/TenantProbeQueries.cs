using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Authorization;

/// <summary>AZ-6: the one cross-tenant read the application makes on purpose (is this id someone else's?).</summary>
internal static class TenantProbeQueries
{
    public static async Task<bool> ExistsInOtherTenantAsync<TEntity>(BulwarkDbContext db, Guid id, Guid tenant, CancellationToken cancellationToken)
        where TEntity : TenantEntity
    {
        var table = db.Model.FindEntityType(typeof(TEntity))?.GetTableName();
        if (db is PostgresBulwarkDbContext && table is not null && await HasProbeFunctionAsync(db, cancellationToken))
        {
            // Row-level security hides other tenants' rows even without the EF filter: ask the SECURITY DEFINER
            // function, which answers only yes or no (DATA-2: parameters).
            // NULL: the table is not under row-level security (users, sessions): the filtered query below answers.
            var answer = await db.Database.SqlQuery<bool?>($"SELECT bulwark_id_in_other_tenant({table}, {id}) AS \"Value\"")
                .SingleAsync(cancellationToken);
            if (answer is { } known)
            {
                return known;
            }
        }

        return await db.Set<TEntity>().IgnoreQueryFilters().AsNoTracking().AnyAsync(e => e.Id == id && e.TenantId != tenant, cancellationToken);
    }

    private static Task<bool> HasProbeFunctionAsync(BulwarkDbContext db, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'bulwark_id_in_other_tenant') AS \"Value\"")
            .SingleAsync(cancellationToken);
}
