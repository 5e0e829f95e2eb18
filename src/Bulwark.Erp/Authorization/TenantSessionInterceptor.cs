using System.Data.Common;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-4 on PostgreSQL: no command of a <see cref="BulwarkDbContext"/> reaches the server before the connection's
/// <c>bulwark.tenant_id</c> holds the context's tenant (empty without one), so the row-level security policies of
/// <see cref="PostgresRowLevelSecurity"/> hold even for a query that forgets the EF Core filter. Pooled connections are
/// reset (DISCARD ALL / RESET ALL) when returned, so every open starts with the setting unset (no rows) and owes it again.
/// </summary>
/// <remarks>
/// Issue 7: the setting is not sent on open but with the first command, so a read costs no round trip of its own:
/// a LINQ query outside a transaction carries it as a first statement of its own batch (its result is skipped before
/// EF Core reads); any other command, and the start of a transaction, sets it in a round trip first, as before. The
/// value is read when it is sent: the context's tenant then, which a credential flow may have entered after the open
/// (<see cref="TenantScope"/>). A failed batch or a rollback may undo it, so either makes it owed again.
/// </remarks>
internal sealed class TenantSessionInterceptor : DbConnectionInterceptor, IDbCommandInterceptor, IDbTransactionInterceptor
{
    public static readonly TenantSessionInterceptor Instance = new();

    // DATA-2: a constant statement; the tenant id travels as a parameter of the batch.
    private const string TenantStatement = "SELECT set_config('bulwark.tenant_id', @bulwark_tenant_id, false);\n";
    private const string TenantParameter = "bulwark_tenant_id";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (eventData?.Context is BulwarkDbContext db)
        {
            db.TenantSessionOwed = true;
            return;
        }

        using var command = Command(connection, null);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (eventData?.Context is BulwarkDbContext db)
        {
            db.TenantSessionOwed = true;
            return;
        }

        await SetAsync(connection, null, cancellationToken);
    }

    InterceptionResult<DbDataReader> IDbCommandInterceptor.ReaderExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result)
    {
        if (Owed(eventData) is { } db && !TryCarry(command, eventData, db))
        {
            Apply(command.Connection!, db);
        }

        return result;
    }

    async ValueTask<InterceptionResult<DbDataReader>> IDbCommandInterceptor.ReaderExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken)
    {
        if (Owed(eventData) is { } db && !TryCarry(command, eventData, db))
        {
            await ApplyAsync(command.Connection!, db, cancellationToken);
        }

        return result;
    }

    DbDataReader IDbCommandInterceptor.ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        if (Carries(command))
        {
            try
            {
                result.NextResult();   // past the setting's own one-row result, to the query's (whose error surfaces here)
            }
            catch
            {
                result.Dispose();   // EF Core never sees this reader: free the connection for the next command
                throw;
            }

            ((BulwarkDbContext)eventData.Context!).TenantSessionOwed = false;
        }

        return result;
    }

    async ValueTask<DbDataReader> IDbCommandInterceptor.ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData,
        DbDataReader result, CancellationToken cancellationToken)
    {
        if (Carries(command))
        {
            try
            {
                await result.NextResultAsync(cancellationToken);
            }
            catch
            {
                await result.DisposeAsync();
                throw;
            }

            ((BulwarkDbContext)eventData.Context!).TenantSessionOwed = false;
        }

        return result;
    }

    InterceptionResult<int> IDbCommandInterceptor.NonQueryExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result)
    {
        ApplyIfOwed(command, eventData);
        return result;
    }

    async ValueTask<InterceptionResult<int>> IDbCommandInterceptor.NonQueryExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken)
    {
        await ApplyIfOwedAsync(command, eventData, cancellationToken);
        return result;
    }

    InterceptionResult<object> IDbCommandInterceptor.ScalarExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result)
    {
        ApplyIfOwed(command, eventData);
        return result;
    }

    async ValueTask<InterceptionResult<object>> IDbCommandInterceptor.ScalarExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken)
    {
        await ApplyIfOwedAsync(command, eventData, cancellationToken);
        return result;
    }

    // A failed batch is undone as a whole (its implicit transaction): the setting it carried may not have held.
    void IDbCommandInterceptor.CommandFailed(DbCommand command, CommandErrorEventData eventData) => OweAgainIfCarried(command, eventData);

    Task IDbCommandInterceptor.CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken)
    {
        OweAgainIfCarried(command, eventData);
        return Task.CompletedTask;
    }

    void IDbCommandInterceptor.CommandCanceled(DbCommand command, CommandEndEventData eventData) => OweAgainIfCarried(command, eventData);

    Task IDbCommandInterceptor.CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken)
    {
        OweAgainIfCarried(command, eventData);
        return Task.CompletedTask;
    }

    // A transaction starts with the setting in place (sent before BEGIN, so its rollback cannot undo it).
    InterceptionResult<DbTransaction> IDbTransactionInterceptor.TransactionStarting(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (Owed(eventData) is { } db)
        {
            Apply(connection, db);
        }

        return result;
    }

    async ValueTask<InterceptionResult<DbTransaction>> IDbTransactionInterceptor.TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken)
    {
        if (Owed(eventData) is { } db)
        {
            await ApplyAsync(connection, db, cancellationToken);
        }

        return result;
    }

    DbTransaction IDbTransactionInterceptor.TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
    {
        if (Owed(eventData) is { } db)
        {
            Apply(connection, db);
        }

        return result;
    }

    async ValueTask<DbTransaction> IDbTransactionInterceptor.TransactionUsedAsync(DbConnection connection, TransactionEventData eventData,
        DbTransaction result, CancellationToken cancellationToken)
    {
        if (Owed(eventData) is { } db)
        {
            await ApplyAsync(connection, db, cancellationToken);
        }

        return result;
    }

    // A rollback undoes a setting sent inside the transaction (TenantScope enters a tenant inside a unit of work).
    void IDbTransactionInterceptor.TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => OweAgain(eventData);

    Task IDbTransactionInterceptor.TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken)
    {
        OweAgain(eventData);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData) => OweAgain(eventData);

    Task IDbTransactionInterceptor.RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
        CancellationToken cancellationToken)
    {
        OweAgain(eventData);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => OweAgain(eventData);

    Task IDbTransactionInterceptor.TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData,
        CancellationToken cancellationToken)
    {
        OweAgain(eventData);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sets the tenant on <paramref name="db"/>'s open connection now if it was sent with an older value; while it is
    /// still owed, the next command sends the new one (<see cref="TenantScope"/>).
    /// </summary>
    internal static async Task RefreshAsync(BulwarkDbContext db, DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.TenantSessionOwed)
        {
            await SetAsync(connection, db.SessionTenantId, cancellationToken);
        }
    }

    private static BulwarkDbContext? Owed(DbContextEventData? eventData) =>
        eventData?.Context is BulwarkDbContext { TenantSessionOwed: true } db ? db : null;

    /// <summary>A LINQ query outside a transaction carries the setting as its batch's first statement.</summary>
    private static bool TryCarry(DbCommand command, CommandEventData eventData, BulwarkDbContext db)
    {
        if (command.Transaction is not null || eventData.CommandSource != CommandSource.LinqQuery)
        {
            return false;
        }

        var parameter = command.CreateParameter();
        parameter.ParameterName = TenantParameter;
        parameter.Value = db.SessionTenantId?.ToString() ?? string.Empty;
        command.Parameters.Add(parameter);
        // DATA-2 (reviewed exception of SqlSafetyScanTests): the constant statement above, then EF Core's own text unchanged.
        command.CommandText = string.Concat(TenantStatement, command.CommandText);
        return true;
    }

    private static bool Carries(DbCommand command) => command.CommandText.StartsWith(TenantStatement, StringComparison.Ordinal);

    private static void OweAgainIfCarried(DbCommand command, CommandEndEventData eventData)
    {
        if (Carries(command))
        {
            OweAgain(eventData);
        }
    }

    private static void OweAgain(DbContextEventData? eventData)
    {
        if (eventData?.Context is BulwarkDbContext db)
        {
            db.TenantSessionOwed = true;
        }
    }

    private static void ApplyIfOwed(DbCommand command, CommandEventData eventData)
    {
        if (Owed(eventData) is { } db)
        {
            Apply(command.Connection!, db);
        }
    }

    private static async Task ApplyIfOwedAsync(DbCommand command, CommandEventData eventData, CancellationToken cancellationToken)
    {
        if (Owed(eventData) is { } db)
        {
            await ApplyAsync(command.Connection!, db, cancellationToken);
        }
    }

    private static void Apply(DbConnection connection, BulwarkDbContext db)
    {
        using var command = Command(connection, db.SessionTenantId);
        command.ExecuteNonQuery();
        db.TenantSessionOwed = false;
    }

    private static async Task ApplyAsync(DbConnection connection, BulwarkDbContext db, CancellationToken cancellationToken)
    {
        await SetAsync(connection, db.SessionTenantId, cancellationToken);
        db.TenantSessionOwed = false;
    }

    /// <summary>Sets the tenant on an open connection in a round trip of its own.</summary>
    private static async Task SetAsync(DbConnection connection, Guid? tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = Command(connection, tenantId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, Guid? tenantId)
    {
        var command = connection.CreateCommand();
        // DATA-2: constant text, the tenant id is a parameter.
        command.CommandText = "SELECT set_config('bulwark.tenant_id', @tenant, false)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "tenant";
        parameter.Value = tenantId?.ToString() ?? string.Empty;
        command.Parameters.Add(parameter);
        return command;
    }
}
