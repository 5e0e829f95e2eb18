using Bulwark.Security.Validation;

namespace Bulwark.Erp.Users;

/// <summary>POST /api/v1/auth/password body: the current password (re-authentication, AUTH-11) and the new one.</summary>
public sealed record ChangePasswordRequest : IValidatableRequest
{
    public string? CurrentPassword { get; init; }

    public string? NewPassword { get; init; }

    /// <summary>AUTH-8/AUTH-11: a current TOTP code, required when the user has a second factor enrolled.</summary>
    public string? Code { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.CurrentPassword("currentPassword", CurrentPassword);
        errors.TotpCode("code", Code, required: false);   // AUTH-11: required (and checked) when the user has MFA on
        // AUTH-1: length 12…128 and not on the common/breached list.
        errors.NewPassword("newPassword", NewPassword);
    }
}

/// <summary>POST /api/v1/auth/email body: the current password (and code) for re-authentication, and the new address.</summary>
public sealed record ChangeEmailRequest : IValidatableRequest
{
    public string? CurrentPassword { get; init; }

    public string? NewEmail { get; init; }

    /// <summary>AUTH-8/AUTH-11: a current TOTP code, required when the user has a second factor enrolled.</summary>
    public string? Code { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.CurrentPassword("currentPassword", CurrentPassword);
        errors.TotpCode("code", Code, required: false);
        errors.Email("newEmail", NewEmail);
    }
}

/// <summary>POST /api/v1/users/{id}/password body (admin reset): the user's new password.</summary>
public sealed record ResetPasswordRequest : IValidatableRequest
{
    public string? NewPassword { get; init; }

    public void Validate(ValidationErrors errors) => errors.NewPassword("newPassword", NewPassword);   // AUTH-1
}
