using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Bulwark.Api;

/// <summary>OPS-3: the OpenAPI document, with the bearer and API-key security schemes.</summary>
internal static class ApiDocs
{
    public static WebApplicationBuilder AddBulwarkApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = "Bulwark ERP API", Version = "v1" };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "ES256 access token from POST /api/v1/auth/login",
            };
            // AUTH-9: an API key, on the endpoints that admit one (see the operation transformer).
            document.Components.SecuritySchemes[BulwarkAuthenticationSchemes.ApiKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Api-Key",
                Description = "API key from POST /api/v1/api-keys (bwk_…); also accepted as 'Authorization: ApiKey bwk_…'",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("Bearer", document)] = [],
            });
            return Task.CompletedTask;
        }).AddOperationTransformer((operation, context, _) =>
        {
            var admitsKeys = context.Description.ActionDescriptor.EndpointMetadata.OfType<AuthorizationPolicy>()
                .Any(p => p.AuthenticationSchemes.Contains(BulwarkAuthenticationSchemes.Default));
            if (admitsKeys)
            {
                // Either credential: a bearer token or an API key.
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] },
                    new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BulwarkAuthenticationSchemes.ApiKey, context.Document)] = [],
                    },
                ];
            }

            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>The document is public in Development only; elsewhere it needs an authenticated caller.</summary>
    public static void MapBulwarkApiDocs(this WebApplication app)
    {
        var endpoint = app.MapOpenApi("/openapi/{documentName}.json");
        if (app.Environment.IsDevelopment())
        {
            endpoint.AllowAnonymous();
        }
    }
}
