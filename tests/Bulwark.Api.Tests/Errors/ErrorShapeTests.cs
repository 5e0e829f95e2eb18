using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Errors;

/// <summary>
/// ERR-1/ERR-2: every error status the API produces has the one problem+json shape (type, title,
/// status, traceId) and leaks nothing, on both providers. 422 is not reachable through the endpoints of
/// the foundation (no business rule answers it yet); 429 and 403 come with their features.
/// </summary>
public abstract class ErrorShapeTests(BulwarkApiFactory api)
{
    public static TheoryData<string, HttpStatusCode> Cases => new()
    {
        { "validation error", HttpStatusCode.BadRequest },
        { "malformed JSON", HttpStatusCode.BadRequest },
        { "empty body", HttpStatusCode.BadRequest },
        { "unknown query parameter", HttpStatusCode.BadRequest },
        { "typed route value that does not parse", HttpStatusCode.NotFound },
        { "no token", HttpStatusCode.Unauthorized },
        { "garbage token", HttpStatusCode.Unauthorized },
        { "wrong password", HttpStatusCode.Unauthorized },
        { "unknown route", HttpStatusCode.NotFound },
        { "missing record", HttpStatusCode.NotFound },
        { "wrong method", HttpStatusCode.MethodNotAllowed },
        { "duplicate unique value", HttpStatusCode.Conflict },
        { "stale version", HttpStatusCode.Conflict },
        { "body over the limit", HttpStatusCode.RequestEntityTooLarge },
        { "wrong content type", HttpStatusCode.UnsupportedMediaType },
    };

    [Theory, MemberData(nameof(Cases)), Trait("Control", "ERR-1"), Trait("Control", "ERR-2")]
    public async Task ErrorResponse_HasTheProblemShapeAndNoLeaks(string @case, HttpStatusCode status)
    {
        using var response = await ProduceAsync(@case);
        var problem = await ProblemAssert.IsProblemAsync(response, status);
        Assert.StartsWith("https://bulwark.dev/problems/", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
        SecurityHeadersAssert.PlainHttp(response, @case);
    }

    [Fact, Trait("Control", "ERR-1")]
    public async Task ValidResponses_AreNotProblems()
    {
        using var client = await api.ClientForAsync("admin");
        using var list = await client.GetAsync("/api/v1/items");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("application/json", list.Content.Headers.ContentType?.MediaType);

        var sku = "E-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await client.PostAsJsonAsync("/api/v1/items", new { sku, name = "Shape", unit = "pcs", unitCost = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("application/json", created.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HttpResponseMessage> ProduceAsync(string @case)
    {
        var anonymous = api.CreateClient();
        var admin = await api.ClientForAsync("admin");
        switch (@case)
        {
            case "validation error":
                return await admin.PostAsync("/api/v1/items", Json("""{"sku":"S-1","name":"<b>x</b>","unit":"pcs","unitCost":1}"""));
            case "malformed JSON":
                return await admin.PostAsync("/api/v1/items", Json("""{"sku":"""));
            case "empty body":
                return await admin.PostAsync("/api/v1/items", Json(string.Empty));
            case "unknown query parameter":
                return await admin.GetAsync("/api/v1/items?debug=true");
            case "typed route value that does not parse":
                return await admin.GetAsync("/api/v1/items/1%20OR%201=1");
            case "no token":
                return await anonymous.GetAsync("/api/v1/items");
            case "garbage token":
                anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.");
                return await anonymous.GetAsync("/api/v1/items");
            case "wrong password":
                return await anonymous.PostAsJsonAsync("/api/v1/auth/login",
                    new { tenant = "demo", email = "admin@demo.example", password = "Not-The-Password-1" });
            case "unknown route":
                return await admin.GetAsync("/api/v1/no-such-resource");
            case "missing record":
                return await admin.GetAsync($"/api/v1/items/{Guid.CreateVersion7()}");
            case "wrong method":
                return await admin.DeleteAsync("/api/v1/items");
            case "duplicate unique value":
            {
                var sku = "D-" + Guid.NewGuid().ToString("N")[..8];
                using var first = await admin.PostAsJsonAsync("/api/v1/items", new { sku, name = "First", unit = "pcs", unitCost = 1 });
                Assert.Equal(HttpStatusCode.Created, first.StatusCode);
                return await admin.PostAsJsonAsync("/api/v1/items", new { sku, name = "Second", unit = "pcs", unitCost = 1 });
            }

            case "stale version":
            {
                var sku = "V-" + Guid.NewGuid().ToString("N")[..8];
                using var created = await admin.PostAsJsonAsync("/api/v1/items", new { sku, name = "First", unit = "pcs", unitCost = 1 });
                var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
                using var ok = await admin.PutAsJsonAsync($"/api/v1/items/{id}", new { name = "Second", unit = "pcs", unitCost = 1, isActive = true, version = 1 });
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                return await admin.PutAsJsonAsync($"/api/v1/items/{id}", new { name = "Third", unit = "pcs", unitCost = 1, isActive = true, version = 1 });
            }

            case "body over the limit":
                return await admin.PostAsync("/api/v1/items",
                    new ByteArrayContent(new byte[(1024 * 1024) + 1]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
            case "wrong content type":
                return await admin.PostAsync("/api/v1/items", new StringContent("sku=S-1&name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
            default:
                throw new ArgumentOutOfRangeException(nameof(@case), @case, null);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

public sealed class ErrorShapeSqliteTests(SqliteApiFactory api) : ErrorShapeTests(api), IClassFixture<SqliteApiFactory>;

public sealed class ErrorShapePostgresTests(PostgresApiFactory api) : ErrorShapeTests(api), IClassFixture<PostgresApiFactory>;

/// <summary>
/// A real instance whose PostgreSQL is unreachable (a closed loopback port; no migration at start, and
/// Production so no demo seed runs): start-up succeeds, every request that touches the database fails.
/// </summary>
public sealed class DeadDatabaseApi : ApiProcessFixture
{
    public const string DatabasePassword = "Db-Secret-7f3a9c";

    public int DatabasePort { get; } = ApiProcess.FreePort();

    protected override string Environment => "Production";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Bulwark:Database:Provider"] = "Postgres";
        settings["Bulwark:Database:ConnectionString"] =
            $"Host=127.0.0.1;Port={DatabasePort};Database=bulwark_gone;Username=bulwark_app;Password={DatabasePassword};Timeout=3";
        settings["Bulwark:Database:AutoMigrate"] = "false";
    }
}

/// <summary>ERR-2: a database failure mid-request is a generic 500 whose trace id leads to the full error in the log.</summary>
public sealed class DatabaseFailureTests(DeadDatabaseApi instance) : IClassFixture<DeadDatabaseApi>
{
    private static readonly string[] InternalDetails =
        ["Npgsql", "Socket", "refused", "127.0.0.1", "bulwark_gone", "bulwark_app", DeadDatabaseApi.DatabasePassword, "tcp://", "Transient"];

    [Fact, Trait("Control", "ERR-2"), Trait("Control", "ERR-1")]
    public async Task Login_WhenTheDatabaseIsDown_Returns500WithGenericDetailAndTraceIdInTheLog()
    {
        using var client = instance.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = "admin@demo.example", password = "Bulwark-Demo-2026!" }).WaitAsync(TimeSpan.FromSeconds(20));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal("An unexpected error occurred. Quote the trace id when reporting it.", problem.GetProperty("detail").GetString());
        Assert.Equal("Internal Server Error", problem.GetProperty("title").GetString());
        var body = await response.Content.ReadAsStringAsync();
        foreach (var detail in InternalDetails.Append(instance.DatabasePort.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.DoesNotContain(detail, body, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var (name, values) in response.Headers.NonValidated)
        {
            Assert.DoesNotContain("Npgsql", name + string.Join(",", values), StringComparison.OrdinalIgnoreCase);
        }

        SecurityHeadersAssert.PlainHttp(response, "500");

        // The same trace id leads the operator to the real exception in the server log.
        var traceId = problem.GetProperty("traceId").GetString()!;
        var logged = await instance.Api.WaitForLineAsync(
            l => l.Contains(traceId, StringComparison.Ordinal) && l.Contains("\"@x\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.NotNull(logged);
        var entry = JsonDocument.Parse(logged).RootElement;
        Assert.Equal(traceId, entry.GetProperty("@tr").GetString());
        Assert.Contains("NpgsqlException", entry.GetProperty("@x").GetString(), StringComparison.Ordinal);

        // LOG-4: the connection string's password never reaches the log.
        Assert.DoesNotContain(instance.Api.OutputLines, l => l.Contains(DeadDatabaseApi.DatabasePassword, StringComparison.Ordinal));
    }

    [Fact, Trait("Control", "OPS-1"), Trait("Control", "ERR-2")]
    public async Task Health_WhenTheDatabaseIsDown_LiveAnswers200AndReadyAnswers503WithoutDetails()
    {
        using var client = instance.CreateClient();
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using var ready = await client.GetAsync("/health/ready").WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        ProblemAssert.NoLeaks(body);
        foreach (var detail in InternalDetails)
        {
            Assert.DoesNotContain(detail, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact, Trait("Control", "ERR-2")]
    public async Task RequestsThatNeverTouchTheDatabase_AreStillServed()
    {
        using var client = instance.CreateClient();
        using var jwks = await client.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);

        using var invalid = await client.PostAsync("/api/v1/auth/login",
            new StringContent("""{"tenant":"demo","email":"admin@demo.example"}""", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsValidationProblemAsync(invalid, "password", "required");
    }
}

/// <summary>The in-process host on an unreachable PostgreSQL (Production: no demo seed at start).</summary>
public sealed class DeadDatabaseApiFactory : BulwarkApiFactory
{
    public DeadDatabaseApiFactory()
        : base(TestProvider.Sqlite)
    {
        ExtraSettings["Bulwark:Database:Provider"] = "Postgres";
        ExtraSettings["Bulwark:Database:ConnectionString"] =
            $"Host=127.0.0.1;Port={ApiProcess.FreePort()};Database=bulwark_gone;Username=bulwark_app;Password={DeadDatabaseApi.DatabasePassword};Timeout=3";
        ExtraSettings["Bulwark:Database:AutoMigrate"] = "false";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

/// <summary>ERR-1/ERR-2/HDR-1 for a 500 in process: an authenticated read whose query cannot reach the database.</summary>
public sealed class DatabaseFailureInProcessTests(DeadDatabaseApiFactory api) : IClassFixture<DeadDatabaseApiFactory>
{
    [Fact, Trait("Control", "ERR-2"), Trait("Control", "HDR-1")]
    public async Task Login_WhenTheDatabaseIsDown_Returns500ProblemWithSecurityHeaders()
    {
        // AUTH-4 keeps the signing keys in the database, so with the database gone from the start no token can be
        // minted or validated (an authenticated read answers 401, fail closed). The anonymous login still needs the
        // database for the user lookup: its failure must be a generic 500 problem, never a leak.
        using var client = api.CreateClient();
        using var content = new StringContent("""{"tenant":"demo","email":"admin@demo.example","password":"Bulwark-Demo-2026!"}""",
            System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/auth/login", content).WaitAsync(TimeSpan.FromSeconds(30));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal("An unexpected error occurred. Quote the trace id when reporting it.", problem.GetProperty("detail").GetString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("bulwark_gone", body, StringComparison.Ordinal);
        Assert.DoesNotContain(DeadDatabaseApi.DatabasePassword, body, StringComparison.Ordinal);
        SecurityHeadersAssert.PlainHttp(response, "500");

        // An endpoint that needs no database still works: the failure is the database's alone.
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
