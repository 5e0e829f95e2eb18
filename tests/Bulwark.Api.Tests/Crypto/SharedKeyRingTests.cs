using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Api.Tests.Authentication;
using Npgsql;

namespace Bulwark.Api.Tests.Crypto;

/// <summary>
/// AUTH-4/DATA-5 in the scaled mode: the Data Protection key ring (which protects the signing keys' private halves and
/// the refresh grace-window successors) is shared through the database and encrypted there under the master key.
/// Instance B signs with the key instance A created and unseals what A sealed; the key ring rows carry no key in clear.
/// </summary>
[Trait("Control", "AUTH-4"), Trait("Control", "DATA-5")]
public sealed class SharedKeyRingTests(TwoInstancesOnPostgres cluster) : IClassFixture<TwoInstancesOnPostgres>
{
    private static async Task<(string Access, string Refresh)> LoginAsync(ApiProcess api)
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = "finance@demo.example", password = BulwarkApiFactory.DemoPassword });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("accessToken").GetString()!, json.GetProperty("refreshToken").GetString()!);
    }

    private static async Task<HttpStatusCode> ItemsAsync(ApiProcess api, string token)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/v1/items");
        return response.StatusCode;
    }

    private static async Task<string> RefreshAsync(ApiProcess api, string refreshToken)
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString()!;
    }

    [Fact]
    public async Task TheSecondMachine_SignsWithTheSharedKey_AndTokensWorkAcross()
    {
        var fromA = await LoginAsync(cluster.A);
        // B holds none of A's files: signing needs the private key A stored, sealed by the shared key ring.
        var fromB = await LoginAsync(cluster.B);
        Assert.Equal(HttpStatusCode.OK, await ItemsAsync(cluster.B, fromA.Access));
        Assert.Equal(HttpStatusCode.OK, await ItemsAsync(cluster.A, fromB.Access));
        Assert.Equal(HttpStatusCode.Unauthorized, await ItemsAsync(cluster.A, fromB.Access[..^4] + "AAAA"));
    }

    [Fact]
    public async Task ARefreshRace_AcrossMachines_GetsTheSameSuccessor()
    {
        var (_, refresh) = await LoginAsync(cluster.A);
        var onA = await RefreshAsync(cluster.A, refresh);
        // AUTH-5 grace window: the same spent token on B, at once, answers with the successor A sealed.
        var onB = await RefreshAsync(cluster.B, refresh);
        Assert.Equal(onA, onB);
    }

    [Fact]
    public async Task TheKeyRing_IsInTheDatabase_Encrypted_AndInNoDataFolder()
    {
        await LoginAsync(cluster.B);
        await using var connection = new NpgsqlConnection(cluster.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"Xml\" FROM data_protection_keys", connection);
        var rows = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(rows);
        Assert.All(rows, xml =>
        {
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("requiresEncryption", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
        Assert.False(Directory.Exists(Path.Combine(cluster.Database.DataDirectory, "key-ring")));
        Assert.False(Directory.Exists(Path.Combine(cluster.Database.DataDirectory, "data-protection-keys")));
    }
}
