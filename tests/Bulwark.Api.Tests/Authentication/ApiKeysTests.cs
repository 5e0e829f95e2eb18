using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// AUTH-9: API keys — created by a re-authenticated admin (AUTH-11) with a subset of their permissions, shown once,
/// stored as a hash, usable as <c>Authorization: ApiKey …</c> or <c>X-Api-Key</c> on permission-guarded endpoints
/// only, narrowed to their scopes and to the creator's current permissions, expiring, revocable at once, last use
/// recorded. Every bad key is the same 401 (AUTH-10).
/// </summary>
[Trait("Control", "AUTH-9"), Trait("Control", "AUTH-10"), Trait("Control", "AUTH-11")]
public abstract class ApiKeysTests(BulwarkApiFactory api)
{
    private sealed record CreatedKey(Guid Id, string Key, string Prefix);

    private async Task<HttpResponseMessage> CreateAsync(string token, object body)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.PostAsJsonAsync("/api/v1/api-keys", body);
    }

    private async Task<CreatedKey> CreateKeyAsync(string[] permissions, string role = "admin", string tenant = "demo")
    {
        using var response = await CreateAsync(await api.TokenForAsync(role, tenant),
            new { name = "erp-sync", permissions, currentPassword = BulwarkApiFactory.DemoPassword });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new CreatedKey(json.GetProperty("id").GetGuid(), json.GetProperty("key").GetString()!, json.GetProperty("prefix").GetString()!);
    }

    private async Task<HttpResponseMessage> SendWithKeyAsync(HttpMethod method, string url, string key, bool viaHeader = false, object? body = null)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(method, url);
        if (viaHeader)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        else
        {
            request.Headers.TryAddWithoutValidation("Authorization", "ApiKey " + key);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request);
    }

    private Task<HttpResponseMessage> GetWithKeyAsync(string url, string key, bool viaHeader = false) =>
        SendWithKeyAsync(HttpMethod.Get, url, key, viaHeader);

    private async Task<HttpResponseMessage> AsAdminAsync(HttpMethod method, string url, string tenant = "demo")
    {
        using var client = await api.ClientForAsync("admin", tenant);
        using var request = new HttpRequestMessage(method, url);
        return await client.SendAsync(request);
    }

    private static string WithoutTraceId(JsonElement problem) =>
        JsonSerializer.Serialize(problem.EnumerateObject().Where(p => p.Name != "traceId").ToDictionary(p => p.Name, p => p.Value));

    [Fact]
    public async Task Create_ShowsTheKeyOnce_AndStoresOnlyItsHash()
    {
        using var response = await CreateAsync(await api.TokenForAsync("admin"),
            new { name = "payroll export", permissions = new[] { "inventory:read" }, expiresInDays = 30, currentPassword = BulwarkApiFactory.DemoPassword });
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = JsonDocument.Parse(body).RootElement;
        var key = json.GetProperty("key").GetString()!;
        var id = json.GetProperty("id").GetGuid();
        Assert.Matches("^bwk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(key[..16], json.GetProperty("prefix").GetString());
        Assert.Equal($"/api/v1/api-keys/{id}", response.Headers.Location?.OriginalString);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Empty(response.Content.Headers.ContentEncoding);   // HDR-4: a secret is never compressed
        var expires = json.GetProperty("expiresAt").GetDateTime();
        Assert.InRange(expires, DateTime.UtcNow.AddDays(30).AddMinutes(-5), DateTime.UtcNow.AddDays(30).AddMinutes(5));

        // Never again: the list and the single view carry the prefix, not the key.
        using var one = await AsAdminAsync(HttpMethod.Get, $"/api/v1/api-keys/{id}");
        var shown = await one.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.DoesNotContain(key[17..], shown, StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(shown).RootElement.TryGetProperty("key", out _));
        using var list = await AsAdminAsync(HttpMethod.Get, "/api/v1/api-keys?pageSize=100");
        var listed = await list.Content.ReadAsStringAsync();
        Assert.Contains(key[..16], listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key[17..], listed, StringComparison.Ordinal);

        // Stored: the SHA-256 of the secret; the secret itself nowhere in the row.
        var stored = await AuditQueries.WithDbAsync(api, db => db.ApiKeys.IgnoreQueryFilters().AsNoTracking().SingleAsync(k => k.Id == id));
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(key[17..])), stored.SecretHash);
        Assert.DoesNotContain(key[17..], JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == "auth.apikey.created" && e.Reason!.Contains(id.ToString())));
    }

    [Fact]
    public async Task Key_WorksThroughEitherHeader_OnlyWithinItsScopes()
    {
        var key = await CreateKeyAsync(["inventory:read", "tenant:read"]);

        using (var viaAuthorization = await GetWithKeyAsync("/api/v1/items", key.Key))
        {
            Assert.Equal(HttpStatusCode.OK, viaAuthorization.StatusCode);
        }

        using (var viaHeader = await GetWithKeyAsync("/api/v1/items", key.Key, viaHeader: true))
        {
            Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);
        }

        using (var tenant = await GetWithKeyAsync("/api/v1/tenants/current", key.Key))
        {
            Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);
            Assert.Equal("demo", (await tenant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString());
        }

        // The creator (admin) may read the ledger and write items; the key was not given those.
        using (var ledger = await GetWithKeyAsync("/api/v1/accounts", key.Key))
        {
            await ProblemAssert.IsProblemAsync(ledger, HttpStatusCode.Forbidden);
        }

        using (var write = await SendWithKeyAsync(HttpMethod.Post, "/api/v1/items", key.Key, body: new { sku = "KEY-1", name = "x", unit = "pcs", unitCost = 1.0 }))
        {
            await ProblemAssert.IsProblemAsync(write, HttpStatusCode.Forbidden);
        }

        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == "authz.denied" && e.Resource!.Contains("/api/v1/accounts")));
    }

    [Fact]
    public async Task Key_OfOneTenant_SeesOnlyThatTenant()
    {
        var demo = await CreateKeyAsync(["tenant:read", "inventory:read"]);
        var rival = await CreateKeyAsync(["tenant:read", "inventory:read"], tenant: "rival");

        using var rivalTenant = await GetWithKeyAsync("/api/v1/tenants/current", rival.Key);
        Assert.Equal("rival", (await rivalTenant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString());
        var rivalItem = await AuditQueries.WithDbAsync(api, db => db.Items.IgnoreQueryFilters()
            .Where(i => db.Tenants.Any(t => t.Id == i.TenantId && t.Slug == "rival")).Select(i => i.Id).FirstAsync());
        using var probe = await GetWithKeyAsync($"/api/v1/items/{rivalItem}", demo.Key);
        await ProblemAssert.IsProblemAsync(probe, HttpStatusCode.NotFound);
        using var own = await GetWithKeyAsync($"/api/v1/items/{rivalItem}", rival.Key);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/auth/sessions")]
    [InlineData("/api/v1/api-keys")]
    public async Task Key_CannotUseSelfServiceOrManageKeys(string url)
    {
        var key = await CreateKeyAsync(["api-keys:manage", "users:read"]);

        using var response = await GetWithKeyAsync(url, key.Key);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        using var users = await GetWithKeyAsync("/api/v1/users", key.Key);
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
    }

    [Fact]
    public async Task EveryBadKey_GetsTheSame401_WithABearerChallenge()
    {
        var key = await CreateKeyAsync(["inventory:read"]);
        var otherSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string[] bad =
        [
            key.Key[..17] + otherSecret,                         // right prefix, wrong secret
            "bwk_" + "0123456789ab" + "_" + otherSecret,           // unknown prefix
            key.Key + "x",                                       // too long
            key.Key[..^1],                                       // too short
            key.Key.ToUpperInvariant(),                          // prefix not lower-case hex
            "not-a-key",
        ];
        var bodies = new List<string>();
        foreach (var presented in bad)
        {
            using var response = await GetWithKeyAsync("/api/v1/items", presented);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter is null);
            bodies.Add(WithoutTraceId(problem));
        }

        // Two key headers: ambiguous, refused.
        using (var client = api.CreateClient())
        using (var twice = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items"))
        {
            twice.Headers.Add("X-Api-Key", [key.Key, key.Key]);
            using var response = await client.SendAsync(twice);
            bodies.Add(WithoutTraceId(await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized)));
        }

        Assert.Single(bodies.Distinct());
        using var good = await GetWithKeyAsync("/api/v1/items", key.Key);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == "auth.token.rejected" && e.Reason == "api_key_unknown"));
    }

    [Fact]
    public async Task RevokedKey_Is401AtOnce_OtherKeysKeepWorking()
    {
        var doomed = await CreateKeyAsync(["inventory:read"]);
        var kept = await CreateKeyAsync(["inventory:read"]);
        using (var before = await GetWithKeyAsync("/api/v1/items", doomed.Key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);   // now cached on this instance
        }

        using (var revoke = await AsAdminAsync(HttpMethod.Delete, $"/api/v1/api-keys/{doomed.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using (var after = await GetWithKeyAsync("/api/v1/items", doomed.Key))
        {
            await ProblemAssert.IsProblemAsync(after, HttpStatusCode.Unauthorized);
        }

        using (var other = await GetWithKeyAsync("/api/v1/items", kept.Key))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        using var shown = await AsAdminAsync(HttpMethod.Get, $"/api/v1/api-keys/{doomed.Id}");
        Assert.Equal(JsonValueKind.String, (await shown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revokedAt").ValueKind);
        using var again = await AsAdminAsync(HttpMethod.Delete, $"/api/v1/api-keys/{doomed.Id}");
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        using var active = await AsAdminAsync(HttpMethod.Get, "/api/v1/api-keys?active=true&pageSize=100");
        var activeBody = await active.Content.ReadAsStringAsync();
        Assert.DoesNotContain(doomed.Id.ToString(), activeBody, StringComparison.Ordinal);
        Assert.Contains(kept.Id.ToString(), activeBody, StringComparison.Ordinal);
        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == "auth.apikey.revoked" && e.Reason!.Contains(doomed.Id.ToString())));
    }

    [Fact]
    public async Task AnotherTenantsKey_CannotBeSeenOrRevoked()
    {
        var rival = await CreateKeyAsync(["inventory:read"], tenant: "rival");

        using (var get = await AsAdminAsync(HttpMethod.Get, $"/api/v1/api-keys/{rival.Id}"))
        {
            await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound);
        }

        using (var revoke = await AsAdminAsync(HttpMethod.Delete, $"/api/v1/api-keys/{rival.Id}"))
        {
            await ProblemAssert.IsProblemAsync(revoke, HttpStatusCode.NotFound);
        }

        using var stillWorks = await GetWithKeyAsync("/api/v1/items", rival.Key);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    [Fact]
    public async Task ExpiredKey_Is401()
    {
        var key = await CreateKeyAsync(["inventory:read"]);
        await AuditQueries.WithDbAsync(api, db => db.ApiKeys.IgnoreQueryFilters().Where(k => k.Id == key.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTime.UtcNow.AddSeconds(-1))));

        using var response = await GetWithKeyAsync("/api/v1/items", key.Key);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == "auth.token.rejected" && e.Reason == "api_key_expired"));
    }

    [Fact]
    public async Task Use_IsRecordedAsLastUsed()
    {
        var key = await CreateKeyAsync(["inventory:read"]);
        using (var shown = await AsAdminAsync(HttpMethod.Get, $"/api/v1/api-keys/{key.Id}"))
        {
            Assert.False((await shown.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("lastUsedAt", out _));   // null: omitted
        }

        var before = DateTime.UtcNow.AddSeconds(-2);
        using (var use = await GetWithKeyAsync("/api/v1/items", key.Key))
        {
            Assert.Equal(HttpStatusCode.OK, use.StatusCode);
        }

        using var after = await AsAdminAsync(HttpMethod.Get, $"/api/v1/api-keys/{key.Id}");
        var lastUsed = (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lastUsedAt").GetDateTime();
        Assert.InRange(lastUsed, before, DateTime.UtcNow.AddSeconds(2));
    }

    [Fact]
    public async Task Create_NeedsTheCurrentPassword()
    {
        var token = await api.TokenForAsync("admin");
        var count = await AuditQueries.WithDbAsync(api, db => db.ApiKeys.IgnoreQueryFilters().CountAsync());

        using var wrong = await CreateAsync(token, new { name = "x", permissions = new[] { "inventory:read" }, currentPassword = "not-the-password-9" });
        await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Forbidden);
        using var missing = await CreateAsync(token, new { name = "x", permissions = new[] { "inventory:read" } });
        await ProblemAssert.IsValidationProblemAsync(missing, "currentPassword", "required");

        Assert.Equal(count, await AuditQueries.WithDbAsync(api, db => db.ApiKeys.IgnoreQueryFilters().CountAsync()));
        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == "auth.apikey.created" && e.Reason == "reauthentication_failed"));
    }

    [Theory]
    [InlineData("""{"name":"x","permissions":["inventory:fly"],"currentPassword":"p"}""", "permissions[0]", "enum")]
    [InlineData("""{"name":"x","permissions":[],"currentPassword":"p"}""", "permissions", "minItems")]
    [InlineData("""{"name":"x","permissions":["inventory:read","inventory:read"],"currentPassword":"p"}""", "permissions", "unique")]
    [InlineData("""{"name":"x","permissions":["inventory:read"],"expiresInDays":0,"currentPassword":"p"}""", "expiresInDays", null)]
    [InlineData("""{"name":"<b>x</b>","permissions":["inventory:read"],"currentPassword":"p"}""", "name", null)]
    [InlineData("""{"name":"x","permissions":["inventory:read"],"currentPassword":"p","tenantId":"00000000-0000-0000-0000-000000000001"}""", "tenantId", null)]
    public async Task Create_ValidatesItsInput(string json, string field, string? constraint)
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.PostAsync("/api/v1/api-keys", new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsValidationProblemAsync(response, field, constraint);
    }

    [Fact]
    public async Task Create_CannotGrantMoreThanTheCreatorHolds_OrLiveTooLong()
    {
        var token = await api.TokenForAsync("admin");
        // tenants:manage belongs to no tenant role, the admin's included.
        using var wider = await CreateAsync(token, new { name = "x", permissions = new[] { "inventory:read", "tenants:manage" },
            currentPassword = BulwarkApiFactory.DemoPassword });
        await ProblemAssert.IsProblemAsync(wider, HttpStatusCode.Forbidden);
        using var tooLong = await CreateAsync(token, new { name = "x", permissions = new[] { "inventory:read" }, expiresInDays = 400,
            currentPassword = BulwarkApiFactory.DemoPassword });
        await ProblemAssert.IsProblemAsync(tooLong, (HttpStatusCode)422);

        // A role without api-keys:manage cannot create or list keys.
        using var finance = await CreateAsync(await api.TokenForAsync("finance"), new { name = "x", permissions = new[] { "ledger:read" },
            currentPassword = BulwarkApiFactory.DemoPassword });
        await ProblemAssert.IsProblemAsync(finance, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Key_LosesWhatItsCreatorLoses()
    {
        // hr is made an admin (via the API), creates a key, then goes back to hr: the key keeps only what hr still has.
        var hrId = await AuditQueries.UserIdAsync(api, "hr@demo.example");
        await SetRolesAsync(hrId, ["admin"]);
        using var login = await api.CreateClient().PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = "hr@demo.example", password = BulwarkApiFactory.DemoPassword });
        var hrToken = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        using var created = await CreateAsync(hrToken, new { name = "hr-sync", permissions = new[] { "employees:read", "inventory:read" },
            currentPassword = BulwarkApiFactory.DemoPassword });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using (var items = await GetWithKeyAsync("/api/v1/items", key))
        {
            Assert.Equal(HttpStatusCode.OK, items.StatusCode);
        }

        await SetRolesAsync(hrId, ["hr"]);

        using (var items = await GetWithKeyAsync("/api/v1/items", key))
        {
            await ProblemAssert.IsProblemAsync(items, HttpStatusCode.Forbidden);
        }

        using var employees = await GetWithKeyAsync("/api/v1/employees", key);
        Assert.Equal(HttpStatusCode.OK, employees.StatusCode);
    }

    private async Task SetRolesAsync(Guid userId, string[] roles)
    {
        using var client = await api.ClientForAsync("admin");
        using var response = await client.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new { roles });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class ApiKeysSqliteTests(SqliteApiFactory api) : ApiKeysTests(api), IClassFixture<SqliteApiFactory>;

public sealed class ApiKeysPostgresTests(PostgresApiFactory api) : ApiKeysTests(api), IClassFixture<PostgresApiFactory>;
