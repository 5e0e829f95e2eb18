using Bulwark.Security.Authentication;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Sessions;

/// <summary>POST /api/v1/auth/refresh body (public contract of DESIGN.md).</summary>
public sealed record RefreshRequest : IValidatableRequest
{
    public string? RefreshToken { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.OpaqueToken("refreshToken", RefreshToken);
    }
}
