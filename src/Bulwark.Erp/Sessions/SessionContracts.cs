using Bulwark.Security.Authentication;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Sessions;

/// <summary>POST /api/v1/auth/refresh body (public contract of DESIGN.md).</summary>
public sealed record RefreshRequest : IValidatableRequest
{
    public string? RefreshToken { get; init; }

    /// <summary>AUTH-7: true = take the refresh token from the browser-mode cookie (and answer in cookies again).</summary>
    public bool? Cookies { get; init; }

    public void Validate(ValidationErrors errors)
    {
        if (Cookies == true)
        {
            if (RefreshToken is not null)
            {
                errors.Add("refreshToken", "forbidden", "must be absent in cookie mode (the cookie carries it)");
            }

            return;
        }

        errors.OpaqueToken("refreshToken", RefreshToken);
    }
}
