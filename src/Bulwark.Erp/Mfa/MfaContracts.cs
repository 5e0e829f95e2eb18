using Bulwark.Security.Validation;

namespace Bulwark.Erp.Mfa;

/// <summary>
/// AUTH-8: the answer to a login whose password was right but which needs a second factor. <c>mfaToken</c> goes to
/// <c>POST /auth/login/mfa</c> with a code; with <c>enrollmentRequired</c> the user must first enroll
/// (<c>POST /auth/login/mfa/enroll</c>) and then send the first code.
/// </summary>
public sealed record MfaChallengeResponse(bool MfaRequired, string MfaToken, bool EnrollmentRequired, int ExpiresIn);

/// <summary>POST /auth/login/mfa: the challenge token and a TOTP code or one recovery code.</summary>
public sealed record MfaLoginRequest : IValidatableRequest
{
    public string? MfaToken { get; init; }

    public string? Code { get; init; }

    public string? RecoveryCode { get; init; }

    /// <summary>AUTH-7: browser mode, as on <c>POST /auth/login</c>.</summary>
    public bool? Cookies { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.OpaqueToken("mfaToken", MfaToken);
        if ((Code is null) == (RecoveryCode is null))
        {
            errors.Add("code", "required", "exactly one of code and recoveryCode is required");
        }

        errors.TotpCode("code", Code, required: false);
        errors.PlainText("recoveryCode", RecoveryCode, 32, required: false);
    }
}

/// <summary>POST /auth/login/mfa/enroll: the challenge token of a login that must enroll first.</summary>
public sealed record MfaLoginEnrollRequest : IValidatableRequest
{
    public string? MfaToken { get; init; }

    public void Validate(ValidationErrors errors) => errors.OpaqueToken("mfaToken", MfaToken);
}

/// <summary>POST /auth/mfa/enroll (signed in): re-authentication by password (AUTH-11).</summary>
public sealed record MfaEnrollRequest : IValidatableRequest
{
    public string? CurrentPassword { get; init; }

    public void Validate(ValidationErrors errors) => errors.CurrentPassword("currentPassword", CurrentPassword);
}

/// <summary>POST /auth/mfa/confirm: the first code from the authenticator, which turns the enrollment on.</summary>
public sealed record MfaConfirmRequest : IValidatableRequest
{
    public string? Code { get; init; }

    public void Validate(ValidationErrors errors) => errors.TotpCode("code", Code);
}

/// <summary>POST /auth/mfa/disable: password and a current code (AUTH-11).</summary>
public sealed record MfaDisableRequest : IValidatableRequest
{
    public string? CurrentPassword { get; init; }

    public string? Code { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.CurrentPassword("currentPassword", CurrentPassword);
        errors.TotpCode("code", Code);
    }
}

/// <summary>PUT /tenants/current/mfa: whether every user of the tenant must use a second factor.</summary>
public sealed record TenantMfaRequest : IValidatableRequest
{
    public bool? Required { get; init; }

    public void Validate(ValidationErrors errors) => errors.Required("required", Required);
}

/// <summary>The secret to put into an authenticator app (as text and as an <c>otpauth://</c> URI for a QR code).</summary>
public sealed record MfaEnrollmentResponse(string Secret, string OtpAuthUri);

public sealed record MfaRecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

public sealed record MfaStatusResponse(bool Enabled, bool Required, bool EnrollmentPending, int RecoveryCodesLeft);

public sealed record TenantMfaResponse(bool Required);
