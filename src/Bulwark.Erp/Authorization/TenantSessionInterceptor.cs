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
internal sealed class TenantSessionInterceptor(ICurrentTenant tenant) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = Command(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = Command(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DbCommand Command(DbConnection connection)
    {
        var command = connection.CreateCommand();
        // DATA-2: constant text, the tenant id is a parameter.
        command.CommandText = "SELECT set_config('bulwark.tenant_id', @tenant, false)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "tenant";
        parameter.Value = tenant.TenantId?.ToString() ?? string.Empty;
        command.Parameters.Add(parameter);
        return command;
    }
}
