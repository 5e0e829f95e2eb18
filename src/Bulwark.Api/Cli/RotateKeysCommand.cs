using System.Globalization;
using Bulwark.Security.Authentication;

namespace Bulwark.Api.Cli;

/// <summary>
/// <c>rotate-keys</c> (AUTH-4): announces a new ES256 signing key in the shared key store. Every instance publishes it
/// in its JWKS at its next refresh and starts signing with it after the announce lead; the previous key keeps
/// validating until its last token has expired. Prints every key with its state.
/// </summary>
internal static class RotateKeysCommand
{
    public static async Task<int> RunAsync(WebApplication app, TextWriter output)
    {
        var keys = app.Services.GetRequiredService<SigningKeyStore>();
        var announced = await keys.RotateAsync(CancellationToken.None);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"rotate-keys: key {announced.KeyId} (generation {announced.Generation}) signs from {announced.ActivatesAt:o}"));
        foreach (var (key, state) in keys.Describe())
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {key.KeyId}  generation {key.Generation}  {state.ToString().ToLowerInvariant()}  activates {key.ActivatesAt:o}"));
        }

        return 0;
    }
}
