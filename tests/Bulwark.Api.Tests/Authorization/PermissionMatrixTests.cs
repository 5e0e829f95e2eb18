using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Erp.Authorization;
using Bulwark.Erp.Users;

namespace Bulwark.Api.Tests.Authorization;

/// <summary>
/// AZ-2: for every role, every endpoint of the running app (enumerated from its endpoint data sources) is
/// called with a token of a user holding only that role; the answer is 403 exactly when the role→permission
/// map (the table in docs/permissions.md) grants none of the endpoint's permissions.
/// </summary>
[Trait("Control", "AZ-2")]
public sealed class PermissionMatrixTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    [Fact]
    public void EveryProtectedEndpoint_DeclaresAPermissionOrIsExplicitlyAuthenticatedOnly()
    {
        var undeclared = AppEndpoints.Of(api)
            .Where(e => !e.Anonymous && e.Permissions is null && !e.AuthenticatedOnly && e.Pattern.StartsWith("/api/", StringComparison.Ordinal))
            .Select(e => e.Key).ToList();
        Assert.True(undeclared.Count == 0, "endpoints without a permission: " + string.Join(", ", undeclared));
        // Permission names on endpoints are all in the catalogue.
        Assert.All(AppEndpoints.Of(api).Where(e => e.Permissions is not null).SelectMany(e => e.Permissions!),
            p => Assert.Contains(p, Permissions.All));
    }

    public static TheoryData<string> AllRoles() => new(Roles.All);

    [Theory]
    [MemberData(nameof(AllRoles))]
    public async Task Role_CallingEveryEndpoint_Gets403ExactlyWhereTheMapGrantsNothing(string role)
    {
        var granted = RolePermissions.Map[role];
        using var client = api.CreateClient();
        var token = await LoginAsync(client, role);
        var endpoints = AppEndpoints.Of(api).Where(e => !e.Anonymous)
            .OrderBy(e => e.Pattern.StartsWith("/api/v1/auth/", StringComparison.Ordinal))
            .ToList();
        var mismatches = new List<string>();
        var denied = 0;
        foreach (var endpoint in endpoints)
        {
            var expectAllowed = endpoint.AuthenticatedOnly || endpoint.Permissions is null || endpoint.Permissions.Any(granted.Contains);
            if (endpoint.Pattern.StartsWith("/api/v1/auth/", StringComparison.Ordinal))
            {
                token = await LoginAsync(client, role); // logout ends the session it is called with
            }

            using var request = AppEndpoints.Request(endpoint, token);
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status == 401)
            {
                mismatches.Add($"{endpoint.Key}: 401 (token no longer valid?)");
            }
            else if (expectAllowed == (status == 403))
            {
                mismatches.Add($"{endpoint.Key}: {status}, expected {(expectAllowed ? "allowed" : "403")}");
            }
            else if (status == 403)
            {
                denied++;
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var body = await response.Content.ReadAsStringAsync();
                // The body never says which permission is missing.
                Assert.DoesNotContain(":", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!, StringComparison.Ordinal);
            }
        }

        Assert.True(mismatches.Count == 0, $"{role}:\n" + string.Join('\n', mismatches));
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints");
        if (role != Roles.Admin)
        {
            Assert.True(denied > 0, $"{role} was denied nothing");
        }
    }

    [Fact]
    public async Task ValidTokenClaimingAdmin_ForAnEmployeeUser_Gets403_PermissionsComeFromTheDatabase()
    {
        // AZ-2: a correctly signed token whose roles claim says admin, for a user whose stored role is
        // employee: the stored roles decide. The same user's own record stays readable.
        using var client = api.CreateClient();
        var real = await LoginAsync(client, Roles.Employee);
        using var key = Authentication.TokenForge.LoadInstanceKey(api.Services);
        var claims = Authentication.TokenForge.Claims(Authentication.TokenForge.Decode(real));
        Assert.Equal(new[] { "admin" }, (string[])claims["roles"]!);
        var forged = Authentication.TokenForge.SignEs256(Authentication.TokenForge.Header(key), claims, key);

        foreach (var path in new[] { "/api/v1/accounts", "/api/v1/users", "/api/v1/employees", "/api/v1/items" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new("Bearer", forged);
            using var response = await client.SendAsync(request);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        }

        using var tenant = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tenants/current");
        tenant.Headers.Authorization = new("Bearer", forged);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(tenant)).StatusCode);
    }

    private static async Task<string> LoginAsync(HttpClient client, string role)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = $"{role}@demo.example", password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
    }
}
