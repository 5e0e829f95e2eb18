using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Bulwark.Security.Authentication;

/// <summary>
/// The authentication schemes. <see cref="Default"/> forwards to <see cref="ApiKey"/> when the request presents an
/// API key and to <see cref="Bearer"/> otherwise, so the principal is known before the per-user rate limit either way.
/// </summary>
public static class BulwarkAuthenticationSchemes
{
    public const string Default = "Bulwark";
    public const string Bearer = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>AUTH-9: integrations. Admitted only where an endpoint requires a permission, never on self-service endpoints.</summary>
    public const string ApiKey = "ApiKey";
}
