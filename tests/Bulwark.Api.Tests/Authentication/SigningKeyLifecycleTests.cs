using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;
using Bulwark.Erp.Data;
using Bulwark.Erp.SigningKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>A host that re-reads its keys every second (so a key announced by the CLI shows up at once).</summary>
public sealed class KeyRotationApiFactory : BulwarkApiFactory
{
    public const string AnnounceLead = "00:00:15";

    public KeyRotationApiFactory()
        : base(TestProvider.Sqlite)
    {
        ExtraSettings["Bulwark:SigningKeys:RefreshInterval"] = "00:00:01";
        ExtraSettings["Bulwark:SigningKeys:AnnounceLead"] = AnnounceLead;
    }
}

/// <summary>
/// AUTH-4 key lifecycle on a real host: private keys only encrypted at rest, in the database (shared by instances),
/// no key file; <c>rotate-keys</c> announces a key in the JWKS before it signs; after activation new tokens carry the
/// new kid while tokens of the previous key keep working. Retirement (minutes later) is proven in SigningKeyScheduleTests.
/// </summary>
[Trait("Control", "AUTH-4")]
public sealed class SigningKeyLifecycleTests(KeyRotationApiFactory api) : IClassFixture<KeyRotationApiFactory>
{
    private static string Kid(string jwt) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[0])).RootElement.GetProperty("kid").GetString()!;

    private async Task<string> LoginAsync()
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = "admin@demo.example", password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private async Task<string[]> JwksKidsAsync()
    {
        using var client = api.CreateClient();
        var jwks = await client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToArray();
    }

    private async Task<HttpStatusCode> CallWithAsync(string token)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/v1/items");
        return response.StatusCode;
    }

    [Fact, Trait("Control", "DATA-5")]
    public async Task PrivateKey_IsStoredOnlyEncrypted_InTheDatabase_AndNoKeyFileIsWritten()
    {
        var token = await LoginAsync();
        using var active = TokenForge.LoadInstanceKey(api.Services);
        var d = active.ExportParameters(includePrivateParameters: true).D!;
        var pkcs8 = active.ExportPkcs8PrivateKey();

        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        var row = await db.Set<SigningKeyRow>().AsNoTracking().SingleAsync(k => k.KeyId == Kid(token));
        var stored = Convert.FromBase64String(row.ProtectedPrivateKey!);

        Assert.False(stored.AsSpan().IndexOf(d) >= 0, "the private scalar is stored in clear");
        Assert.False(stored.AsSpan().IndexOf(pkcs8) >= 0, "the PKCS#8 key is stored in clear");
        Assert.DoesNotContain("PRIVATE KEY", row.ProtectedPrivateKey!, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(api.Database.DataDirectory, "*.pem", SearchOption.AllDirectories));
        var dbBytes = await File.ReadAllBytesAsync(Path.Combine(api.Database.DataDirectory, "bulwark.db"));
        Assert.False(dbBytes.AsSpan().IndexOf(d) >= 0, "the private scalar is in the database file");
        Assert.Equal(HttpStatusCode.OK, await CallWithAsync(token));
    }

    [Fact]
    public async Task RotateKeys_AnnouncesTheKeyBeforeItSigns_ThenItSigns_AndThePreviousKeysTokensKeepWorking()
    {
        var before = await LoginAsync();
        var oldKid = Kid(before);

        var (exitCode, output) = await CliProcess.RunWithAsync(api.Database,
            new Dictionary<string, string?>
            {
                ["Bulwark:SigningKeys:AnnounceLead"] = KeyRotationApiFactory.AnnounceLead,
                ["Bulwark:SigningKeys:RefreshInterval"] = "00:00:01",
            }, "rotate-keys");
        Assert.True(exitCode == 0, output);
        var line = output.Split('\n').Single(l => l.StartsWith("rotate-keys: key ", StringComparison.Ordinal));
        var newKid = line.Split(' ')[2];
        var activatesAt = DateTime.Parse(line[(line.IndexOf(" signs from ", StringComparison.Ordinal) + 12)..].Trim(),
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.NotEqual(oldKid, newKid);

        // Announced: in the JWKS (within a refresh interval), not signing yet.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await JwksKidsAsync()).Contains(newKid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Contains(newKid, await JwksKidsAsync());
        var announcedPhase = await LoginAsync();
        Assert.True(DateTime.UtcNow < activatesAt, "the announce phase ended before the test could observe it (machine too slow)");
        Assert.Equal(oldKid, Kid(announcedPhase));

        // Active: new tokens carry the new kid; the previous key's tokens still validate; the JWKS lists both.
        var wait = activatesAt - DateTime.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var after = await LoginAsync();
        Assert.Equal(newKid, Kid(after));
        Assert.Equal(HttpStatusCode.OK, await CallWithAsync(after));
        Assert.Equal(HttpStatusCode.OK, await CallWithAsync(before));
        Assert.Equal(HttpStatusCode.OK, await CallWithAsync(announcedPhase));
        var kids = await JwksKidsAsync();
        Assert.Contains(oldKid, kids);
        Assert.Contains(newKid, kids);
    }
}

/// <summary>A host whose data folder holds a key file from before the key store existed.</summary>
public sealed class LegacyKeyFileApiFactory : BulwarkApiFactory
{
    public LegacyKeyFileApiFactory()
        : base(TestProvider.Sqlite)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Pem = key.ExportPkcs8PrivateKeyPem();
        KeyFile = Path.Combine(Directory.CreateTempSubdirectory("bulwark-legacy-key-").FullName, "signing-key.pem");
        File.WriteAllText(KeyFile, Pem);
        ExtraSettings["Bulwark:Jwt:SigningKeyPath"] = KeyFile;
    }

    public string Pem { get; }

    public string KeyFile { get; }
}

/// <summary>AUTH-4 upgrade path: the old single key file is imported once, so tokens it signed stay valid.</summary>
[Trait("Control", "AUTH-4")]
public sealed class LegacySigningKeyImportTests(LegacyKeyFileApiFactory api) : IClassFixture<LegacyKeyFileApiFactory>
{
    [Fact]
    public async Task KeyFileFromBeforeTheKeyStore_IsImported_AndTokensItSignedStillValidate()
    {
        using var legacy = ECDsa.Create();
        legacy.ImportFromPem(api.Pem);
        var token = await api.TokenForAsync("admin");
        var me = TokenForge.Decode(token);

        var forged = TokenForge.SignEs256(TokenForge.Header(legacy), TokenForge.Claims(me), legacy);
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        using var response = await client.GetAsync("/api/v1/items");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TokenForge.KeyId(legacy),
            JsonDocument.Parse(Base64UrlEncoder.Decode(token.Split('.')[0])).RootElement.GetProperty("kid").GetString());
    }
}
