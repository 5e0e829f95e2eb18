using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using System.Reflection;

namespace Bulwark.Security.Authorization;

/// <summary>
/// AZ-3: the 403 problem+json an endpoint returns after a resource-based refusal (already audited by
/// <see cref="AuthorizationAudit.AuthorizeResourceAsync"/>); same body as a policy denial.
/// </summary>
public sealed class ForbiddenProblemResult : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public static readonly ForbiddenProblemResult Instance = new();

    private ForbiddenProblemResult()
    {
    }

    public int? StatusCode => StatusCodes.Status403Forbidden;

    public Task ExecuteAsync(HttpContext httpContext) =>
        ProblemWriter.WriteAsync(httpContext, StatusCodes.Status403Forbidden, AuthorizationAudit.ForbiddenDetail).AsTask();

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
    }
}
