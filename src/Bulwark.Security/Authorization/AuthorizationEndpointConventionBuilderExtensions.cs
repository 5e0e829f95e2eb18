using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Security.Authorization;

public static class AuthorizationEndpointConventionBuilderExtensions
{
    /// <summary>
    /// AZ-2: the endpoint needs an authenticated caller holding at least one of <paramref name="anyOf"/>
    /// (resolved from the user's current roles). Otherwise 403 problem+json and an <c>authz.denied</c>
    /// security event (AZ-6). Framework authorization: the policy runs in <c>UseAuthorization</c>.
    /// </summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, params string[] anyOf)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        // AUTH-9: an access token or an API key (whose scopes narrow the permissions).
        return builder.RequirePermissionOf(BulwarkAuthenticationSchemes.Default, anyOf);
    }

    /// <summary>
    /// As <see cref="RequirePermission{TBuilder}"/>, but for a signed-in user only (an access token): API keys get 401.
    /// For managing credentials (API keys themselves), which an integration must not do.
    /// </summary>
    public static TBuilder RequireUserPermission<TBuilder>(this TBuilder builder, params string[] anyOf)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequirePermissionOf(BulwarkAuthenticationSchemes.Bearer, anyOf);

    private static TBuilder RequirePermissionOf<TBuilder>(this TBuilder builder, string scheme, string[] anyOf)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var requirement = new PermissionRequirement(anyOf);
        var policy = new AuthorizationPolicyBuilder(scheme)
            .RequireAuthenticatedUser()
            .AddRequirements(requirement)
            .Build();
        builder.RequireAuthorization(policy);
        builder.WithMetadata(new PermissionMetadata(requirement.AnyOf));
        return builder;
    }

    /// <summary>
    /// AZ-1: the endpoint is open to every authenticated caller (self-service, e.g. logout); the fallback
    /// policy still requires authentication. Marks the absence of a permission as deliberate.
    /// </summary>
    public static TBuilder RequireAuthenticatedOnly<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.RequireAuthorization(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .Build());
        builder.WithMetadata(AuthenticatedOnlyMetadata.Instance);
        return builder;
    }
}
