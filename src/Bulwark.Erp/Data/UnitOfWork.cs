namespace Bulwark.Erp.Data;

/// <summary>
/// One write: through the <see cref="WriteGate"/> (SQLite single writer), inside one transaction,
/// saved and committed together — or not at all.
/// </summary>
public sealed class UnitOfWork(BulwarkDbContext db, WriteGate gate)
{
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var _ = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        // LOG-3: the commit appends the unit's audit events to the chain first (fail closed).
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
