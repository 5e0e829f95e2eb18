namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-2: the permission catalogue of the ERP. Endpoints declare these names
/// (<c>RequirePermission(Permissions.LedgerRead)</c>); roles grant them (<see cref="RolePermissions"/>);
/// <c>docs/permissions.md</c> shows the matrix (a test keeps it equal to the code).
/// </summary>
public static class Permissions
{
    public const string TenantRead = "tenant:read";
    public const string UsersRead = "users:read";
    public const string UsersManage = "users:manage";

    /// <summary>Every employee of the tenant, non-sensitive fields.</summary>
    public const string EmployeesRead = "employees:read";

    /// <summary>AZ-5: national id, IBAN and salary of any employee.</summary>
    public const string EmployeesReadSensitive = "employees:read-sensitive";
    public const string EmployeesWrite = "employees:write";

    /// <summary>AZ-3: the caller's own employee record (sensitive fields included).</summary>
    public const string EmployeesReadOwn = "employees:read-own";

    /// <summary>AZ-3: a limited set of fields of the caller's own employee record (PATCH).</summary>
    public const string EmployeesUpdateOwn = "employees:update-own";

    /// <summary>AZ-3: the caller's direct reports, non-sensitive fields.</summary>
    public const string EmployeesReadReports = "employees:read-reports";

    public const string LedgerRead = "ledger:read";

    /// <summary>Accounts and draft journal entries.</summary>
    public const string LedgerWrite = "ledger:write";

    /// <summary>Posting and reversing journal entries (the irreversible step).</summary>
    public const string LedgerPost = "ledger:post";

    public const string InventoryRead = "inventory:read";

    /// <summary>Items and warehouses.</summary>
    public const string InventoryWrite = "inventory:write";

    /// <summary>Stock movements (receipts, issues, transfers, adjustments).</summary>
    public const string InventoryAdjust = "inventory:adjust";

    public const string AuditRead = "audit:read";
    public const string BansManage = "bans:manage";

    /// <summary>AUTH-9: create, list and revoke the tenant's API keys (signed-in users only, never a key).</summary>
    public const string ApiKeysManage = "api-keys:manage";

    /// <summary>Platform operator (creating and closing tenants); granted by no tenant role.</summary>
    public const string TenantsManage = "tenants:manage";

    /// <summary>
    /// Service-wide permissions: held only by users of the operator tenant (<see cref="PlatformOptions"/>), never by a
    /// client tenant's roles alone.
    /// </summary>
    public static readonly IReadOnlyList<string> Platform = [BansManage, TenantsManage];

    public static readonly IReadOnlyList<string> All =
    [
        TenantRead, UsersRead, UsersManage,
        EmployeesRead, EmployeesReadSensitive, EmployeesWrite, EmployeesReadOwn, EmployeesUpdateOwn, EmployeesReadReports,
        LedgerRead, LedgerWrite, LedgerPost,
        InventoryRead, InventoryWrite, InventoryAdjust,
        AuditRead, BansManage, ApiKeysManage, TenantsManage,
    ];
}
