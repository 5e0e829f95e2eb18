namespace Bulwark.Erp.Data;

/// <summary>
/// SQLite allows one writer at a time. Every write unit goes through this gate, which on SQLite
/// admits one at a time in-process (so concurrent POSTs queue instead of failing with
/// "database is locked"), and on PostgreSQL admits everyone (row locks and constraints decide).
/// </summary>
public sealed class WriteGate(DatabaseOptions options) : IDisposable
{
    private readonly SemaphoreSlim? _single = options.IsSqlite ? new SemaphoreSlim(1, 1) : null;

    public async ValueTask<Releaser> EnterAsync(CancellationToken cancellationToken)
    {
        if (_single is not null)
        {
            await _single.WaitAsync(cancellationToken);
        }

        return new Releaser(_single);
    }

    public void Dispose() => _single?.Dispose();

    public readonly struct Releaser(SemaphoreSlim? semaphore) : IDisposable
    {
        public void Dispose() => semaphore?.Release();
    }
}
