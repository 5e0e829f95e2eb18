using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Crypto;

public static class BlindIndexQueryExtensions
{
    /// <summary>
    /// DATA-1: rows whose encrypted <paramref name="sourceProperty"/> equals <paramref name="value"/> exactly,
    /// matched on the keyed blind index of the context's tenant (the clear value never reaches SQL).
    /// </summary>
    public static IQueryable<T> WhereBlindIndexEquals<T>(this IQueryable<T> query, BulwarkDbContext db, string sourceProperty, string value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var (index, _, purpose) = FieldEncryptionModel.BlindIndexes(entityType).Single(i => i.Source == sourceProperty);
        var cipher = db.FieldCipher ?? throw new InvalidOperationException("DATA-1: field encryption is not configured.");
        var hash = cipher.BlindIndex(purpose, db.CurrentTenantId?.ToString() ?? string.Empty, value);
        var name = index.Name;
        return query.Where(e => EF.Property<string?>(e, name) == hash);
    }
}
