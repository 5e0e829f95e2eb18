namespace Bulwark.Erp.Users;

/// <summary>A user as admins see it: never the password hash.</summary>
public sealed record UserResponse(
    Guid Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    bool IsActive,
    Guid? EmployeeId,
    DateTime? LastLoginAt,
    DateTime CreatedAt);
