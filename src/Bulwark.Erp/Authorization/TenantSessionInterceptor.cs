using System.Data.Common;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-4 on PostgreSQL: every connection the application opens first sets <c>bulwark.tenant_id</c> to the
/// caller's tenant (empty without one), so the row-level security policies of
/// <see cref="PostgresRowLevelSecurity"/> hold even for a query that forgets the EF Core filter. Pooled
/// connections are reset (DISCARD ALL) when returned, and the value is set again on every open.
/// </summary>
internal sealed class TenantSessionInterceptor : DbConnectionInterceptor
{
    public static readonly TenantSessionInterceptor Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = Command(connection, TenantOf(eventData));
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await ApplyAsync(connection, TenantOf(eventData), cancellationToken);
    }

    /// <summary>The opening context's tenant; none (no rows) for a connection not opened by a <see cref="BulwarkDbContext"/>.</summary>
    private static Guid? TenantOf(ConnectionEndEventData eventData) => (eventData?.Context as BulwarkDbContext)?.SessionTenantId;

    /// <summary>Sets the tenant on an open connection (also used by <see cref="TenantScope"/> inside a unit of work).</summary>
    internal static async Task ApplyAsync(DbConnection connection, Guid? tenantId, CancellationToken cancellationToken)
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
