using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// AUTH-5/AUTH-6 on one instance: login starts a session with a rotating refresh token; refresh
/// rotates with an atomic consume; a racing client inside the grace window gets the same successor;
/// a replay after the window kills the family; logout and logout-all revoke access tokens at once;
/// refresh tokens are never stored. The grace window is 1 s and the idle timeout 4 s here, so the
/// time-based cases run in seconds.
/// </summary>
[Trait("Control", "AUTH-5"), Trait("Control", "AUTH-6")]
public abstract class SessionsTests(BulwarkApiFactory api)
{
    internal static void Configure(Dictionary<string, string?> settings)
    {
        settings["Bulwark:Sessions:ReuseGraceWindow"] = "00:00:01";
        settings["Bulwark:Sessions:IdleTimeout"] = "00:00:04";
    }

    private static readonly TimeSpan AfterGrace = TimeSpan.FromMilliseconds(1500);

    private sealed record Tokens(string Access, string Refresh);

    private async Task<Tokens> LoginAsync(string role)
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = $"{role}@demo.example", password = BulwarkApiFactory.DemoPassword });
        return await ReadTokensAsync(response);
    }

    private static async Task<Tokens> ReadTokensAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new Tokens(json.GetProperty("accessToken").GetString()!, json.GetProperty("refreshToken").GetString()!);
    }

    private async Task<HttpResponseMessage> RefreshAsync(string refreshToken)
    {
        using var client = api.CreateClient();
        return await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
    }

    private async Task<HttpStatusCode> ReadItemsAsync(string accessToken)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await client.GetAsync("/api/v1/items");
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }

        return response.StatusCode;
    }

    private static string WithoutTraceId(JsonElement problem) =>
        JsonSerializer.Serialize(problem.EnumerateObject().Where(p => p.Name != "traceId").ToDictionary(p => p.Name, p => p.Value));

    private static string Claim(string jwt, string name)
    {
        var payload = jwt.Split('.')[1];
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(payload.Replace('-', '+').Replace('_', '/')
            .PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
        return JsonDocument.Parse(json).RootElement.GetProperty(name).GetString()!;
    }

    [Fact]
    public async Task Login_ReturnsAnOpaque256BitRefreshToken_AndTheAccessTokenNamesTheStoredSession()
    {
        var tokens = await LoginAsync("admin");

        Assert.Matches("^[A-Za-z0-9_-]{43}$", tokens.Refresh);
        var sid = Claim(tokens.Access, "sid");
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        // AZ-4: outside a request there is no principal; the session's tenant is entered like a credential flow does.
        await scope.ServiceProvider.GetRequiredService<Bulwark.Erp.Authorization.TenantScope>()
            .EnterAsync(db, Guid.Parse(Claim(tokens.Access, "tenant")), CancellationToken.None);
        var session = await db.Sessions.IgnoreQueryFilters().SingleAsync(s => s.Id == Guid.ParseExact(sid, "N"));
        Assert.Null(session.RevokedAt);
        Assert.True(session.AbsoluteExpiresAt > DateTime.UtcNow.AddDays(29));
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(tokens.Refresh));
        Assert.True(await db.RefreshTokens.IgnoreQueryFilters().AnyAsync(t => t.SessionId == session.Id && t.TokenHash == hash));
    }

    [Fact]
    public async Task LoginAndRefresh_IgnoreABearerTokenOfAnotherTenantSentAlong()
    {
        // AZ-4: the body's credential names the tenant; a stale bearer of another tenant neither scopes nor breaks the work.
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await LoginAsync("admin")).Access);
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "rival", email = "auditor@rival.example", password = BulwarkApiFactory.DemoPassword });
        var rival = await ReadTokensAsync(login);
        Assert.NotEqual(Claim((await LoginAsync("admin")).Access, "tenant"), Claim(rival.Access, "tenant"));
        using var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = rival.Refresh });
        Assert.Equal(Claim(rival.Access, "tenant"), Claim((await ReadTokensAsync(refresh)).Access, "tenant"));
    }

    [Fact]
    public async Task Refresh_RotatesTheToken_AndTheSuccessorWorks()
    {
        var first = await LoginAsync("admin");
        using var response = await RefreshAsync(first.Refresh);
        var second = await ReadTokensAsync(response);

        Assert.NotEqual(first.Refresh, second.Refresh);
        Assert.Equal(Claim(first.Access, "sid"), Claim(second.Access, "sid"));
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(second.Access));
        using var again = await RefreshAsync(second.Refresh);
        var third = await ReadTokensAsync(again);
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(third.Access));
    }

    [Fact]
    public async Task ConcurrentRefreshes_InsideTheGraceWindow_AllGetTheSameSuccessor()
    {
        var tokens = await LoginAsync("admin");

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RefreshAsync(tokens.Refresh)));
        var successors = new List<Tokens>();
        foreach (var response in responses)
        {
            using (response)
            {
                successors.Add(await ReadTokensAsync(response));
            }
        }

        Assert.Single(successors.Select(s => s.Refresh).Distinct());
        Assert.NotEqual(tokens.Refresh, successors[0].Refresh);
        Assert.All(successors, s => Assert.Equal(Claim(tokens.Access, "sid"), Claim(s.Access, "sid")));
        using var next = await RefreshAsync(successors[0].Refresh);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Replay_AfterTheGraceWindow_Returns401AndKillsTheWholeFamily()
    {
        var first = await LoginAsync("admin");
        using var rotated = await RefreshAsync(first.Refresh);
        var second = await ReadTokensAsync(rotated);
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(second.Access));

        await Task.Delay(AfterGrace);
        using var replay = await RefreshAsync(first.Refresh);
        var replayProblem = await ProblemAssert.IsProblemAsync(replay, HttpStatusCode.Unauthorized);

        // The successor, and every access token of the session, stop working.
        using var successor = await RefreshAsync(second.Refresh);
        await ProblemAssert.IsProblemAsync(successor, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadItemsAsync(second.Access));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadItemsAsync(first.Access));

        // AUTH-10: an unknown token gets exactly the same answer as a replayed one.
        using var unknown = await RefreshAsync(Base64UrlToken());
        var unknownProblem = await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.Unauthorized);
        Assert.Equal(WithoutTraceId(replayProblem), WithoutTraceId(unknownProblem));

        // Another session of the same user is untouched.
        var other = await LoginAsync("admin");
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(other.Access));
    }

    [Fact]
    public async Task Refresh_AfterTheIdleTimeout_Returns401()
    {
        var tokens = await LoginAsync("admin");
        await Task.Delay(TimeSpan.FromSeconds(4.5));

        using var response = await RefreshAsync(tokens.Refresh);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_RejectsThatSessionsAccessTokenAtOnce_OtherSessionsKeepWorking()
    {
        var mine = await LoginAsync("admin");
        var other = await LoginAsync("admin");
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(mine.Access));

        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", mine.Access);
        using var logout = await client.PostAsync("/api/v1/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadItemsAsync(mine.Access));
        using var refresh = await RefreshAsync(mine.Refresh);
        await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(other.Access));
        using var otherRefresh = await RefreshAsync(other.Refresh);
        Assert.Equal(HttpStatusCode.OK, otherRefresh.StatusCode);
    }

    [Fact]
    public async Task LogoutAll_RevokesEverySessionOfTheCaller_OnlyTheirs()
    {
        var one = await LoginAsync("auditor");
        var two = await LoginAsync("auditor");
        var someoneElse = await LoginAsync("admin");

        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", one.Access);
        using var logout = await client.PostAsync("/api/v1/auth/logout-all", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadItemsAsync(one.Access));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadItemsAsync(two.Access));
        using var refresh = await RefreshAsync(two.Refresh);
        await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(someoneElse.Access));

        // Logging in again works.
        var fresh = await LoginAsync("auditor");
        Assert.Equal(HttpStatusCode.OK, await ReadItemsAsync(fresh.Access));
    }

    [Fact]
    public async Task Logout_WithoutAToken_Is401()
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsync("/api/v1/auth/logout", null);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("{}", "required")]
    [InlineData("""{"refreshToken":null}""", "required")]
    [InlineData("""{"refreshToken":""}""", "required")]
    [InlineData("""{"refreshToken":"abc"}""", "format")]
    [InlineData("""{"refreshToken":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+"}""", "format")]
    [InlineData("""{"refreshToken":12}""", "type")]
    public async Task Refresh_MalformedBody_Is400NamingTheField(string body, string constraint)
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsync("/api/v1/auth/refresh", new StringContent(body, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsValidationProblemAsync(response, "refreshToken", constraint);
    }

    [Fact]
    public async Task RefreshTokens_AreNeverStoredInTheDatabase()
    {
        var first = await LoginAsync("admin");
        using var rotated = await RefreshAsync(first.Refresh);
        var second = await ReadTokensAsync(rotated);

        string stored;
        if (api.Provider == TestProvider.Sqlite)
        {
            // Everything the database holds, including the write-ahead log not yet checkpointed.
            var files = Directory.GetFiles(api.Database.DataDirectory, "bulwark.db*");
            Assert.NotEmpty(files);
            var builder = new StringBuilder();
            foreach (var file in files)
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory);
                builder.Append(Encoding.Latin1.GetString(memory.ToArray()));
            }

            stored = builder.ToString();
            Assert.Contains("refresh_tokens", stored, StringComparison.Ordinal); // the scan sees the schema
        }
        else
        {
            await using var connection = new NpgsqlConnection(api.Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT string_agg(t::text, E'\\n') FROM refresh_tokens t UNION ALL SELECT string_agg(s::text, E'\\n') FROM sessions s";
            var builder = new StringBuilder();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                builder.AppendLine(reader.IsDBNull(0) ? string.Empty : reader.GetString(0));
            }

            stored = builder.ToString();
            Assert.NotEmpty(stored.Trim());
        }

        Assert.DoesNotContain(first.Refresh, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(second.Refresh, stored, StringComparison.Ordinal);
    }

    private static string Base64UrlToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed class SessionsSqliteFactory : BulwarkApiFactory
{
    public SessionsSqliteFactory()
        : base(TestProvider.Sqlite) => SessionsTests.Configure(ExtraSettings);
}

public sealed class SessionsPostgresFactory : BulwarkApiFactory
{
    public SessionsPostgresFactory()
        : base(TestProvider.Postgres) => SessionsTests.Configure(ExtraSettings);
}

public sealed class SessionsSqliteTests(SessionsSqliteFactory api) : SessionsTests(api), IClassFixture<SessionsSqliteFactory>;

public sealed class SessionsPostgresTests(SessionsPostgresFactory api) : SessionsTests(api), IClassFixture<SessionsPostgresFactory>;
