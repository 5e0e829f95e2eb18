using System.Text.Json;
using Bulwark.Security.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Bulwark.Api.Cli;

/// <summary>
/// <c>dev-token</c> (Development only, like <c>dotnet user-jwts</c>): reads a JSON object of claims on stdin,
/// signs it as-is with the instance's current ES256 key and prints the token. Nothing is added: the caller
/// chooses iss, aud, exp, nbf, sub, tenant, roles, sid… so tests can prove each claim check bites. A
/// <c>typ</c> member, if present, becomes the JOSE header <c>typ</c> (default <c>at+jwt</c>).
/// </summary>
internal static class DevTokenCommand
{
    public static async Task<int> RunAsync(WebApplication app, TextReader input, TextWriter output, TextWriter error)
    {
        if (!app.Environment.IsDevelopment())
        {
            // The signing key of a real deployment must never mint tokens outside the login flow.
            await error.WriteLineAsync("dev-token: refused — only available in the Development environment.");
            return 2;
        }

        Dictionary<string, JsonElement>? claims;
        try
        {
            claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await input.ReadToEndAsync());
        }
        catch (JsonException)
        {
            claims = null;
        }

        if (claims is null)
        {
            await error.WriteLineAsync("dev-token: stdin must hold one JSON object of claims.");
            return 2;
        }

        var typ = BulwarkClaims.AccessTokenType;
        if (claims.Remove("typ", out var typValue) && typValue.ValueKind == JsonValueKind.String)
        {
            typ = typValue.GetString()!;
        }

        var keys = app.Services.GetRequiredService<SigningKeyStore>();
        // AUTH-4: the CLI runs no hosted services; load the shared keys (the active one signs).
        await keys.RefreshAsync(maintain: false, CancellationToken.None);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var token = handler.CreateToken(JsonSerializer.Serialize(claims), keys.SigningCredentials,
            new Dictionary<string, object> { ["typ"] = typ });
        await output.WriteLineAsync(token);
        return 0;
    }
}
