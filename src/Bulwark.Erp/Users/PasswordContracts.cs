using Bulwark.Security.Validation;

namespace Bulwark.Erp.Users;

/// <summary>POST /api/v1/auth/password body: the current password (re-authentication, AUTH-11) and the new one.</summary>
public sealed record ChangePasswordRequest : IValidatableRequest
{
    public string? CurrentPassword { get; init; }

    public string? NewPassword { get; init; }

    public void Validate(ValidationErrors errors)
    {
        // As at login: any characters, bounded so hashing cost is bounded.
        if (string.IsNullOrEmpty(CurrentPassword))
        {
            errors.Add("currentPassword", "required", "is required");
        }
        else if (CurrentPassword.Length > 1024)
        {
            errors.Add("currentPassword", "maxLength", "must be at most 1024 characters");
        }

        // AUTH-1: length 12…128 and not on the common/breached list.
        errors.NewPassword("newPassword", NewPassword);
    }
}
