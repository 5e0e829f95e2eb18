namespace Bulwark.Security.Authentication;

/// <summary>AUTH-4: claim names of Bulwark access tokens (RFC 9068 profile).</summary>
public static class BulwarkClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tenant";
    public const string Roles = "roles";
    public const string SessionId = "sid";
    public const string TokenId = "jti";

    /// <summary>AUTH-9: set on the principal of a request authenticated by an API key (never in a token).</summary>
    public const string ApiKeyId = "api_key";

    /// <summary>AUTH-9: one permission an API key is scoped to (one claim each).</summary>
    public const string Scope = "scope";
    public const string AccessTokenType = "at+jwt";
    public const string Algorithm = "ES256";
}
