namespace Bulwark.Security.Authentication;

/// <summary>AUTH-4: claim names of Bulwark access tokens (RFC 9068 profile).</summary>
public static class BulwarkClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tenant";
    public const string Roles = "roles";
    public const string SessionId = "sid";
    public const string TokenId = "jti";
    public const string AccessTokenType = "at+jwt";
    public const string Algorithm = "ES256";
}
