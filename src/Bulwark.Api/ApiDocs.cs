using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Bulwark.Api;

/// <summary>OPS-3: the OpenAPI document, with the bearer security scheme.</summary>
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
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("Bearer", document)] = [],
            });
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
