namespace Bulwark.Erp.Users;

/// <summary>The roles a user can hold within a tenant (DESIGN.md "ERP domain").</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Finance = "finance";
    public const string Hr = "hr";
    public const string Inventory = "inventory";
    public const string Manager = "manager";
    public const string Employee = "employee";
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> All = [Admin, Finance, Hr, Inventory, Manager, Employee, Auditor];
}
