using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Bulwark.Api.Tests.Validation;

/// <summary>
/// VAL-1..VAL-6 at the HTTP boundary, on both providers: every hostile body or query string is a 400
/// problem+json naming the offending field (ERR-1), and the legitimate request next to it succeeds.
/// </summary>
public abstract class StrictJsonTests(BulwarkApiFactory api)
{
    private const string Deep = """[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]""";

    /// <summary>Hostile POST /api/v1/items bodies: (case, body, field named, constraint or null).</summary>
    public static TheoryData<string, string, string, string?> CreateAttacks => new()
    {
        { "unknown property", """{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":1,"isPremium":true}""", "isPremium", "unknownProperty" },
        { "server-owned id", """{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":1,"id":"0190b8a0-0000-7000-8000-000000000000"}""", "id", "unknownProperty" },
        { "server-owned tenant", """{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":1,"tenantId":"0190b8a0-0000-7000-8000-000000000000"}""", "tenantId", "unknownProperty" },
        { "duplicate key", """{"sku":"A-1","name":"Widget","name":"Other","unit":"pcs","unitCost":1}""", "name", "duplicateProperty" },
        { "string for number", """{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":"9.99"}""", "unitCost", "type" },
        { "bool for number", """{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":true}""", "unitCost", "type" },
        { "number out of decimal range", """{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":1e400}""", "unitCost", "type" },
        { "number for string", """{"sku":"A-1","name":42,"unit":"pcs","unitCost":1}""", "name", "type" },
        { "object for string", """{"sku":"A-1","name":{"first":"Widget"},"unit":"pcs","unitCost":1}""", "name", "type" },
        { "array for string", """{"sku":["A-1"],"name":"Widget","unit":"pcs","unitCost":1}""", "sku", "type" },
        { "missing required", """{"sku":"A-1","unit":"pcs","unitCost":1}""", "name", "required" },
        { "null for required", """{"sku":"A-1","name":null,"unit":"pcs","unitCost":1}""", "name", "required" },
        { "blank required", """{"sku":"A-1","name":"   ","unit":"pcs","unitCost":1}""", "name", "required" },
        { "over-long string", $$"""{"sku":"A-1","name":"{{new string('n', 201)}}","unit":"pcs","unitCost":1}""", "name", "maxLength" },
        { "over-long code", $$"""{"sku":"{{new string('S', 65)}}","name":"Widget","unit":"pcs","unitCost":1}""", "sku", "maxLength" },
        { "over-long rich text", $$"""{"sku":"A-1","name":"Widget","description":"{{new string('d', 10_001)}}","unit":"pcs","unitCost":1}""", "description", "maxLength" },
        { "string over the global cap", $$"""{"sku":"A-1","name":"Widget","description":"{{new string('d', 100_001)}}","unit":"pcs","unitCost":1}""", "description", "maxLength" },
        { "HTML in plain text", """{"sku":"A-1","name":"<script>alert(1)</script>","unit":"pcs","unitCost":1}""", "name", "plainText" },
        { "NUL in plain text", """{"sku":"A-1","name":"Wid\u0000get","unit":"pcs","unitCost":1}""", "name", "plainText" },
        { "NUL in rich text", """{"sku":"A-1","name":"Widget","description":"<p>a\u0000</p>","unit":"pcs","unitCost":1}""", "description", "plainText" },
        { "lone surrogate", """{"sku":"A-1","name":"Wid\uD800get","unit":"pcs","unitCost":1}""", "name", "type" },
        { "control char in plain text", """{"sku":"A-1","name":"Wid\u0007get","unit":"pcs","unitCost":1}""", "name", "plainText" },
        { "line break in single-line text", """{"sku":"A-1","name":"Wid\r\nget","unit":"pcs","unitCost":1}""", "name", "plainText" },
        { "bidi override in plain text", """{"sku":"A-1","name":"Widget\u202Egpj.exe","unit":"pcs","unitCost":1}""", "name", "plainText" },
        { "path characters in a code", """{"sku":"../../etc/passwd","name":"Widget","unit":"pcs","unitCost":1}""", "sku", "format" },
        { "value outside the enum", """{"sku":"A-1","name":"Widget","unit":"parsec","unitCost":1}""", "unit", "enum" },
        { "case-variant property", """{"SKU":"A-1","name":"Widget","unit":"pcs","unitCost":1}""", "SKU", "unknownProperty" },
        { "case-variant property 2", """{"sku":"A-1","Name":"Widget","unit":"pcs","unitCost":1}""", "Name", "unknownProperty" },
        { "money with 3 decimals", """{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":9.999}""", "unitCost", "scale" },
        { "negative money", """{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":-0.01}""", "unitCost", "range" },
        { "too-deep nesting", $$"""{"sku":"A-1","name":"Widget","description":{{Deep}},"unit":"pcs","unitCost":1}""", "description", null },
        { "trailing comma", """{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":1,}""", "$", "json" },
        { "comment", """{"sku":"A-1",/* hi */"name":"Widget","unit":"pcs","unitCost":1}""", "$", "json" },
        { "malformed JSON", """{"sku":"A-1","name":""", "name", "json" },
        { "malformed JSON at the root", """{"sku""", "$", "json" },
        { "array instead of object", """[{"sku":"A-1"}]""", "$", "type" },
    };

    /// <summary>Hostile PUT /api/v1/items/{id} bodies.</summary>
    public static TheoryData<string, string, string, string?> UpdateAttacks => new()
    {
        { "unknown property", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":1,"discount":5}""", "discount", "unknownProperty" },
        { "immutable sku", """{"sku":"NEW","name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":1}""", "sku", "unknownProperty" },
        { "server-owned timestamp", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":1,"createdAt":"2020-01-01T00:00:00Z"}""", "createdAt", "unknownProperty" },
        { "duplicate key", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":1,"version":2}""", "version", "duplicateProperty" },
        { "string for number", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":"1"}""", "version", "type" },
        { "fraction for integer", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":1.5}""", "version", "type" },
        { "string for bool", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":"yes","version":1}""", "isActive", "type" },
        { "number for string", """{"name":7,"unit":"pcs","unitCost":1,"isActive":true,"version":1}""", "name", "type" },
        { "object for string", """{"name":"Widget","unit":{"code":"pcs"},"unitCost":1,"isActive":true,"version":1}""", "unit", "type" },
        { "missing required", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":true}""", "version", "required" },
        { "null for required", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":null,"version":1}""", "isActive", "required" },
        { "over-long string", $$"""{"name":"{{new string('n', 201)}}","unit":"pcs","unitCost":1,"isActive":true,"version":1}""", "name", "maxLength" },
        { "HTML in plain text", """{"name":"<img src=x onerror=alert(1)>","unit":"pcs","unitCost":1,"isActive":true,"version":1}""", "name", "plainText" },
        { "NUL in plain text", """{"name":"a\u0000","unit":"pcs","unitCost":1,"isActive":true,"version":1}""", "name", "plainText" },
        { "control char in plain text", """{"name":"a\u001Bb","unit":"pcs","unitCost":1,"isActive":true,"version":1}""", "name", "plainText" },
        { "case-variant property", """{"Name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":1}""", "Name", "unknownProperty" },
        { "money with 3 decimals", """{"name":"Widget","unit":"pcs","unitCost":0.001,"isActive":true,"version":1}""", "unitCost", "scale" },
        { "version out of range", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":0}""", "version", "range" },
        { "too-deep nesting", $$"""{"name":{{Deep}},"unit":"pcs","unitCost":1,"isActive":true,"version":1}""", "name", null },
        { "trailing comma", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":1,}""", "$", "json" },
        { "comment", """{"name":"Widget","unit":"pcs","unitCost":1,"isActive":true,"version":1 // hi""" + "\n}", "$", "json" },
    };

    /// <summary>Hostile POST /api/v1/auth/login bodies.</summary>
    public static TheoryData<string, string, string, string?> LoginAttacks => new()
    {
        { "unknown property", """{"tenant":"demo","email":"admin@demo.example","password":"Bulwark-Demo-2026!","role":"admin"}""", "role", "unknownProperty" },
        { "duplicate key", """{"tenant":"demo","email":"admin@demo.example","email":"finance@demo.example","password":"x"}""", "email", "duplicateProperty" },
        { "number for string", """{"tenant":"demo","email":"admin@demo.example","password":12345678901234}""", "password", "type" },
        { "object for string", """{"tenant":"demo","email":{"$ne":null},"password":"x"}""", "email", "type" },
        { "array for string", """{"tenant":["demo","rival"],"email":"admin@demo.example","password":"x"}""", "tenant", "type" },
        { "missing required", """{"tenant":"demo","email":"admin@demo.example"}""", "password", "required" },
        { "null for required", """{"tenant":null,"email":"admin@demo.example","password":"x"}""", "tenant", "required" },
        { "over-long email", $$"""{"tenant":"demo","email":"{{new string('e', 250)}}@demo.example","password":"x"}""", "email", "maxLength" },
        { "over-long password", $$"""{"tenant":"demo","email":"admin@demo.example","password":"{{new string('p', 1025)}}"}""", "password", "maxLength" },
        { "HTML in plain text", """{"tenant":"demo","email":"<svg onload=alert(1)>@demo.example","password":"x"}""", "email", "plainText" },
        { "NUL in password", """{"tenant":"demo","email":"admin@demo.example","password":"Bulwark-Demo-2026!\u0000"}""", "password", "plainText" },
        { "control char in plain text", """{"tenant":"demo","email":"admin@demo.example\u0008","password":"x"}""", "email", "plainText" },
        { "path characters in a code", """{"tenant":"demo/../rival","email":"admin@demo.example","password":"x"}""", "tenant", "format" },
        { "case-variant property", """{"tenant":"demo","Email":"admin@demo.example","password":"x"}""", "Email", "unknownProperty" },
        { "too-deep nesting", $$"""{"tenant":"demo","email":"admin@demo.example","password":{{Deep}}}""", "password", null },
        { "trailing comma", """{"tenant":"demo","email":"admin@demo.example","password":"x",}""", "$", "json" },
        { "comment", """{"tenant":"demo",/**/"email":"admin@demo.example","password":"x"}""", "$", "json" },
    };

    [Theory, MemberData(nameof(CreateAttacks))]
    [Trait("Control", "VAL-1"), Trait("Control", "VAL-2"), Trait("Control", "VAL-3"), Trait("Control", "VAL-4")]
    public async Task CreateItem_HostileBody_Returns400NamingTheField(string attack, string body, string field, string? constraint)
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.PostAsync("/api/v1/items", Json(body));
        await AssertRejectedAsync(attack, response, field, constraint);
    }

    [Theory, MemberData(nameof(UpdateAttacks))]
    [Trait("Control", "VAL-1"), Trait("Control", "VAL-2"), Trait("Control", "VAL-3"), Trait("Control", "VAL-4")]
    public async Task UpdateItem_HostileBody_Returns400NamingTheFieldAndChangesNothing(string attack, string body, string field, string? constraint)
    {
        using var client = await api.ClientForAsync("admin");
        var (id, before) = await CreateItemAsync(client);
        using var response = await client.PutAsync($"/api/v1/items/{id}", Json(body));
        await AssertRejectedAsync(attack, response, field, constraint);

        var after = await client.GetStringAsync($"/api/v1/items/{id}");
        Assert.Equal(before, after);
    }

    [Theory, MemberData(nameof(LoginAttacks))]
    [Trait("Control", "VAL-1"), Trait("Control", "VAL-2"), Trait("Control", "VAL-4")]
    public async Task Login_HostileBody_Returns400NamingTheField(string attack, string body, string field, string? constraint)
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsync("/api/v1/auth/login", Json(body));
        await AssertRejectedAsync(attack, response, field, constraint);
        Assert.DoesNotContain("accessToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact, Trait("Control", "VAL-1")]
    public async Task CreateItem_InvalidUtf8_Returns400NamingTheField()
    {
        using var client = await api.ClientForAsync("admin");
        byte[] body = [.. """{"sku":"A-1","name":"Wid"""u8, 0xC0, 0xAF, 0xFF, .. """get","unit":"pcs","unitCost":1}"""u8];
        using var content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
        using var response = await client.PostAsync("/api/v1/items", content);
        await ProblemAssert.IsValidationProblemAsync(response, "name");
    }

    [Fact, Trait("Control", "VAL-1"), Trait("Control", "VAL-4")]
    public async Task CreateItem_ValidBody_Returns201AndStoresNfcText()
    {
        using var client = await api.ClientForAsync("admin");
        var sku = "V-" + Guid.NewGuid().ToString("N")[..8];
        // "Café crème" with combining accents (NFD): stored and returned as NFC.
        var body = $$"""{"sku":"{{sku}}","name":"Cafe\u0301 cre\u0300me","description":"<p>Fine</p>","unit":"kg","unitCost":12.34}""";
        using var created = await client.PostAsync("/api/v1/items", Json(body));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        var stored = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/items/{id}")).RootElement;
        Assert.Equal("Caf\u00e9 cr\u00e8me", stored.GetProperty("name").GetString());
        Assert.True(stored.GetProperty("name").GetString()!.IsNormalized(NormalizationForm.FormC));
        Assert.Equal(sku, stored.GetProperty("sku").GetString());
        Assert.Equal(12.34m, stored.GetProperty("unitCost").GetDecimal());
    }

    [Fact, Trait("Control", "VAL-1"), Trait("Control", "VAL-4")]
    public async Task UpdateItem_ValidBody_Returns200AndStoresNfcText()
    {
        using var client = await api.ClientForAsync("admin");
        var (id, _) = await CreateItemAsync(client);
        using var updated = await client.PutAsync($"/api/v1/items/{id}",
            Json("""{"name":"A\u030Angstr\u00F6m","unit":"pcs","unitCost":0.5,"isActive":false,"version":1}"""));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var stored = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/items/{id}")).RootElement;
        Assert.Equal("\u00C5ngstr\u00F6m", stored.GetProperty("name").GetString());
        Assert.False(stored.GetProperty("isActive").GetBoolean());
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
    }

    [Fact, Trait("Control", "VAL-1")]
    public async Task Login_ValidBody_Returns200WithToken()
    {
        using var client = api.CreateClient();
        using var response = await client.PostAsync("/api/v1/auth/login",
            Json("""{"tenant":"demo","email":"admin@demo.example","password":"Bulwark-Demo-2026!"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrEmpty(json.GetProperty("accessToken").GetString()));
    }

    [Fact, Trait("Control", "ERR-1")]
    public async Task CreateItem_EmptyBody_Returns400Problem()
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.PostAsync("/api/v1/items", new StringContent(string.Empty, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact, Trait("Control", "ERR-1")]
    public async Task CreateItem_JsonNullBody_Returns400Problem()
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.PostAsync("/api/v1/items", Json("null"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory, Trait("Control", "ERR-1")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task CreateItem_WrongContentType_Returns415Problem(string contentType)
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.PostAsync("/api/v1/items",
            new StringContent("""{"sku":"A-1","name":"Widget","unit":"pcs","unitCost":1}""", Encoding.UTF8, contentType));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact, Trait("Control", "ERR-1")]
    public async Task UnknownRoute_Returns404Problem()
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.GetAsync("/api/v1/no-such-resource");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory, Trait("Control", "ERR-1")]
    [InlineData("DELETE", "/api/v1/items")]
    [InlineData("PATCH", "/api/v1/items")]
    [InlineData("GET", "/api/v1/auth/login")]
    [InlineData("PUT", "/api/v1/tenants/current")]
    public async Task WrongMethod_Returns405Problem(string method, string path)
    {
        using var client = await api.ClientForAsync("admin");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    /// <summary>Hostile query strings on GET /api/v1/items: (query, parameter named, constraint).</summary>
    public static TheoryData<string, string, string> QueryAttacks => new()
    {
        { "?color=red", "color", "unknownParameter" },
        { "?Page=1", "Page", "unknownParameter" },
        { "?page=1&page=2", "page", "duplicateParameter" },
        { "?sort=name&sort=sku", "sort", "duplicateParameter" },
        { "?active=true&active=false", "active", "duplicateParameter" },
        { "?pageSize=101", "pageSize", "range" },
        { "?pageSize=0", "pageSize", "range" },
        { "?pageSize=-5", "pageSize", "type" },
        { "?page=0", "page", "range" },
        { "?page=abc", "page", "type" },
        { "?page=1e3", "page", "type" },
        { "?sort=notAllowed", "sort", "enum" },
        { "?sort=tenantId", "sort", "enum" },
        { "?sort=name;DROP TABLE items", "sort", "enum" },
        { "?active=maybe", "active", "type" },
    };

    [Theory, MemberData(nameof(QueryAttacks)), Trait("Control", "VAL-1"), Trait("Control", "VAL-6")]
    public async Task ListItems_HostileQuery_Returns400NamingTheParameter(string query, string parameter, string constraint)
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.GetAsync("/api/v1/items" + query);
        await ProblemAssert.IsValidationProblemAsync(response, parameter, constraint);
    }

    [Fact, Trait("Control", "VAL-1")]
    public async Task GetCurrentTenant_AnyQueryParameter_Returns400()
    {
        using var client = await api.ClientForAsync("admin");
        using var rejected = await client.GetAsync("/api/v1/tenants/current?tenant=rival");
        await ProblemAssert.IsValidationProblemAsync(rejected, "tenant", "unknownParameter");

        using var served = await client.GetAsync("/api/v1/tenants/current");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact, Trait("Control", "VAL-6")]
    public async Task ListItems_ValidQuery_ReturnsThePage()
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.GetAsync("/api/v1/items?page=1&pageSize=100&sort=-name&active=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, json.GetProperty("page").GetInt32());
        Assert.Equal(100, json.GetProperty("pageSize").GetInt32());
        var items = json.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.True(i.GetProperty("isActive").GetBoolean()));
        var names = items.Select(i => i.GetProperty("name").GetString()!).ToList();
        Assert.Equal(names.OrderByDescending(n => n, StringComparer.Ordinal).ToList(), names);

        using var ascending = await client.GetAsync("/api/v1/items?sort=name&pageSize=5");
        Assert.Equal(HttpStatusCode.OK, ascending.StatusCode);
        var first = JsonDocument.Parse(await ascending.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(5, first.GetProperty("pageSize").GetInt32());
        Assert.InRange(first.GetProperty("items").GetArrayLength(), 1, 5);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertRejectedAsync(string attack, HttpResponseMessage response, string field, string? constraint)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{attack}: expected 400, got {(int)response.StatusCode}");
        await ProblemAssert.IsValidationProblemAsync(response, field, constraint);
    }

    private static async Task<(string Id, string Json)> CreateItemAsync(HttpClient client)
    {
        var sku = "U-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await client.PostAsJsonAsync("/api/v1/items", new { sku, name = "Original", unit = "pcs", unitCost = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        return (id, await client.GetStringAsync($"/api/v1/items/{id}"));
    }
}

public sealed class StrictJsonSqliteTests(SqliteApiFactory api) : StrictJsonTests(api), IClassFixture<SqliteApiFactory>;

public sealed class StrictJsonPostgresTests(PostgresApiFactory api) : StrictJsonTests(api), IClassFixture<PostgresApiFactory>;
