using Bulwark.Security.Authentication;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Sessions;

/// <summary>POST /api/v1/auth/refresh body (public contract of DESIGN.md).</summary>
public sealed record RefreshRequest : IValidatableRequest
{
    public string? RefreshToken { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.PlainText("refreshToken", RefreshToken, 64);
        if (RefreshToken is not null && !errors.HasErrorFor("refreshToken") && !RefreshTokenCodec.IsWellFormed(RefreshToken))
        {
            // Shape only: a well-formed but unknown token is a 401 like every other refresh failure (AUTH-10).
            errors.Add("refreshToken", "format", "must be a refresh token issued by this server");
        }
    }
}
