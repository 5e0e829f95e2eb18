using System.Collections.Frozen;
using Bulwark.Erp.Users;
using P = Bulwark.Erp.Authorization.Permissions;

namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-2: which permissions each role grants. A user's permissions are the union over their current roles;
/// an unknown role grants nothing. <c>docs/permissions.md</c> renders this table (PermissionsDocTests).
/// </summary>
public static class RolePermissions
{
    private static readonly string[] Self = [P.TenantRead, P.EmployeesReadOwn, P.EmployeesUpdateOwn];

    public static readonly FrozenDictionary<string, FrozenSet<string>> Map = new Dictionary<string, string[]>
    {
        [Roles.Admin] = P.All.Where(p => p != P.TenantsManage).ToArray(),
        [Roles.Finance] = [.. Self, P.LedgerRead, P.LedgerWrite, P.LedgerPost, P.InventoryRead],
        [Roles.Hr] = [.. Self, P.EmployeesRead, P.EmployeesReadSensitive, P.EmployeesWrite, P.UsersRead],
        [Roles.Inventory] = [.. Self, P.InventoryRead, P.InventoryWrite, P.InventoryAdjust],
        [Roles.Manager] = [.. Self, P.EmployeesReadReports],
        [Roles.Employee] = Self,
        [Roles.Auditor] = [.. Self, P.EmployeesRead, P.LedgerRead, P.InventoryRead, P.AuditRead, P.UsersRead],
    }.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The union of what <paramref name="roles"/> grant.</summary>
    public static HashSet<string> For(IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            if (Map.TryGetValue(role, out var permissions))
            {
                granted.UnionWith(permissions);
            }
        }

        return granted;
    }
}
