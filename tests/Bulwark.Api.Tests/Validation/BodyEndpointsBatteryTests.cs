using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Security.Authentication;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Validation;

/// <summary>
/// VAL-1/VAL-2/VAL-4 for EVERY endpoint that takes a JSON body: the endpoints are enumerated from the
/// running app and each must have a case below (a new body endpoint without one fails
/// <see cref="EveryBodyEndpoint_HasACase"/>). Each case runs the same attack battery — unknown property,
/// duplicate key, wrong type, missing required field, over-long string, HTML in a plain-text field —
/// expecting 400 naming the field, and then the valid body succeeds.
/// </summary>
[Trait("Control", "VAL-1"), Trait("Control", "VAL-2"), Trait("Control", "VAL-4")]
public abstract class BodyEndpointsBatteryTests(BulwarkApiFactory api)
{
    /// <summary>A request to attack: where, a valid body, a plain-text field (if any) and a required field.</summary>
    private sealed record Case(string Method, string Url, JsonObject Valid, string? PlainText, string Required, string? Role = null,
        string? AnyText = null);

    private static readonly string[] CaseNames =
    [
        "POST /api/v1/auth/login", "POST /api/v1/auth/refresh", "POST /api/v1/items", "PUT /api/v1/items/{id:guid}",
        "POST /api/v1/warehouses", "PUT /api/v1/warehouses/{id:guid}", "POST /api/v1/stock-movements",
        "POST /api/v1/employees", "PUT /api/v1/employees/{id:guid}", "POST /api/v1/accounts", "PUT /api/v1/accounts/{id:guid}",
        "POST /api/v1/journal-entries", "PUT /api/v1/journal-entries/{id:guid}", "POST /api/v1/journal-entries/{id:guid}/post",
        "PATCH /api/v1/employees/{id:guid}", "PUT /api/v1/users/{id:guid}/roles",
        "POST /api/v1/auth/password", "POST /api/v1/auth/email", "POST /api/v1/api-keys", "POST /api/v1/users/{id:guid}/password",
        "POST /api/v1/auth/login/mfa", "POST /api/v1/auth/login/mfa/enroll", "POST /api/v1/auth/mfa/enroll",
        "POST /api/v1/auth/mfa/confirm", "POST /api/v1/auth/mfa/disable", "PUT /api/v1/tenants/current/mfa",
    ];

    public static TheoryData<string> Cases => new(CaseNames);

    private static string U() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static async Task<JsonObject> PostOkAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"setup POST {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>AUTH-8: the TOTP code of the current step (offset 0) or the next one (1), as an authenticator computes it.</summary>
    private static string Code(string secret, int offset) =>
        TotpCodes.Compute(secret, DateTimeOffset.UtcNow.AddSeconds(30 * offset));

    /// <summary>Enrolls the signed-in <paramref name="user"/> (pending) and, when asked, confirms with the current step's code.</summary>
    private static async Task<string> EnrollAsync(HttpClient user, bool confirm)
    {
        var secret = (await PostOkAsync(user, "/api/v1/auth/mfa/enroll", new { currentPassword = BulwarkApiFactory.DemoPassword }))["secret"]!
            .GetValue<string>();
        if (confirm)
        {
            await PostOkAsync(user, "/api/v1/auth/mfa/confirm", new { code = Code(secret, 0) });
        }

        return secret;
    }

    private async Task<Case> BuildAsync(string name, HttpClient client)
    {
        switch (name)
        {
            case "POST /api/v1/auth/login":
                return new Case("POST", "/api/v1/auth/login",
                    new JsonObject { ["tenant"] = "demo", ["email"] = "admin@demo.example", ["password"] = BulwarkApiFactory.DemoPassword },
                    "email", "password");
            case "POST /api/v1/auth/password":
                // AUTH-1: passwords take any characters (no plain-text rule); the valid body re-sets the same password.
                return new Case("POST", "/api/v1/auth/password",
                    new JsonObject { ["currentPassword"] = BulwarkApiFactory.DemoPassword, ["newPassword"] = BulwarkApiFactory.DemoPassword },
                    null, "newPassword", AnyText: "currentPassword");
            case "POST /api/v1/users/{id:guid}/password":
            {
                // AUTH-1: the admin resets the finance user's password to the demo password (no change in effect).
                var finance = await PostOkAsync(client, "/api/v1/auth/login",
                    new { tenant = "demo", email = "finance@demo.example", password = BulwarkApiFactory.DemoPassword });
                var financeId = System.Text.Json.JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(
                    finance["accessToken"]!.GetValue<string>().Split('.')[1])).RootElement.GetProperty("sub").GetString();
                return new Case("POST", $"/api/v1/users/{financeId}/password",
                    new JsonObject { ["newPassword"] = BulwarkApiFactory.DemoPassword }, null, "newPassword", AnyText: "newPassword");
            }

            case "POST /api/v1/auth/email":
                // AUTH-11: the valid body moves the auditor to a new address (no other case signs in as the auditor).
                return new Case("POST", "/api/v1/auth/email",
                    new JsonObject { ["currentPassword"] = BulwarkApiFactory.DemoPassword, ["newEmail"] = "audit.battery@demo.example" },
                    null, "newEmail", Role: "auditor", AnyText: "currentPassword");
            case "POST /api/v1/auth/refresh":
            {
                var login = await PostOkAsync(client, "/api/v1/auth/login",
                    new { tenant = "demo", email = "admin@demo.example", password = BulwarkApiFactory.DemoPassword });
                return new Case("POST", "/api/v1/auth/refresh",
                    new JsonObject { ["refreshToken"] = login["refreshToken"]!.GetValue<string>() }, "refreshToken", "refreshToken");
            }

            case "POST /api/v1/items":
                return new Case("POST", "/api/v1/items",
                    new JsonObject { ["sku"] = "B-" + U(), ["name"] = "Bolt", ["unit"] = "pcs", ["unitCost"] = 1.25m }, "name", "sku");
            case "PUT /api/v1/items/{id:guid}":
            {
                var item = await PostOkAsync(client, "/api/v1/items", new { sku = "B-" + U(), name = "Bolt", unit = "pcs", unitCost = 1 });
                return new Case("PUT", $"/api/v1/items/{item["id"]}",
                    new JsonObject { ["name"] = "Bolt 2", ["unit"] = "pcs", ["unitCost"] = 2, ["isActive"] = true, ["version"] = 1 }, "name", "version");
            }

            case "POST /api/v1/warehouses":
                return new Case("POST", "/api/v1/warehouses", new JsonObject { ["code"] = "W-" + U(), ["name"] = "North" }, "name", "code");
            case "PUT /api/v1/warehouses/{id:guid}":
            {
                var warehouse = await PostOkAsync(client, "/api/v1/warehouses", new { code = "W-" + U(), name = "North" });
                return new Case("PUT", $"/api/v1/warehouses/{warehouse["id"]}",
                    new JsonObject { ["name"] = "South", ["isActive"] = true, ["version"] = 1 }, "name", "isActive");
            }

            case "POST /api/v1/stock-movements":
            {
                var item = await PostOkAsync(client, "/api/v1/items", new { sku = "B-" + U(), name = "Bolt", unit = "pcs", unitCost = 1 });
                var warehouse = await PostOkAsync(client, "/api/v1/warehouses", new { code = "W-" + U(), name = "North" });
                return new Case("POST", "/api/v1/stock-movements",
                    new JsonObject
                    {
                        ["type"] = "receipt", ["itemId"] = item["id"]!.GetValue<string>(), ["quantity"] = 5,
                        ["toWarehouseId"] = warehouse["id"]!.GetValue<string>(), ["reference"] = "PO-1",
                    }, "reference", "itemId");
            }

            case "POST /api/v1/employees":
                return new Case("POST", "/api/v1/employees", EmployeeBody("E-" + U()), "lastName", "workEmail");
            case "PUT /api/v1/employees/{id:guid}":
            {
                var employee = await PostOkAsync(client, "/api/v1/employees", EmployeeBody("E-" + U()));
                var body = EmployeeBody(null);
                body["version"] = 1;
                return new Case("PUT", $"/api/v1/employees/{employee["id"]}", body, "title", "firstName");
            }

            case "POST /api/v1/accounts":
                return new Case("POST", "/api/v1/accounts", new JsonObject { ["code"] = "A" + U(), ["name"] = "Cash", ["type"] = "asset" }, "name", "type");
            case "PUT /api/v1/accounts/{id:guid}":
            {
                var account = await PostOkAsync(client, "/api/v1/accounts", new { code = "A" + U(), name = "Cash", type = "asset" });
                return new Case("PUT", $"/api/v1/accounts/{account["id"]}",
                    new JsonObject { ["name"] = "Petty cash", ["isActive"] = true, ["version"] = 1 }, "name", "version");
            }

            case "POST /api/v1/journal-entries":
                return new Case("POST", "/api/v1/journal-entries", await EntryBodyAsync(client), "memo", "date");
            case "PUT /api/v1/journal-entries/{id:guid}":
            {
                var draft = await PostOkAsync(client, "/api/v1/journal-entries", await EntryBodyAsync(client));
                var body = await EntryBodyAsync(client);
                body["version"] = 1;
                return new Case("PUT", $"/api/v1/journal-entries/{draft["id"]}", body, "memo", "lines");
            }

            case "POST /api/v1/journal-entries/{id:guid}/post":
            {
                var draft = await PostOkAsync(client, "/api/v1/journal-entries", await EntryBodyAsync(client));
                return new Case("POST", $"/api/v1/journal-entries/{draft["id"]}/post", new JsonObject { ["version"] = 1 }, null, "version");
            }

            case "PATCH /api/v1/employees/{id:guid}":
            {
                // AZ-3: the self-service profile subset (admin holds employees:write).
                var employee = await PostOkAsync(client, "/api/v1/employees", EmployeeBody("E-" + U()));
                return new Case("PATCH", $"/api/v1/employees/{employee["id"]}",
                    new JsonObject { ["firstName"] = "Augusta", ["version"] = 1 }, "firstName", "version");
            }

            case "PUT /api/v1/users/{id:guid}/roles":
            {
                // AZ-2: role management; the target keeps the role it had.
                var users = JsonNode.Parse(await client.GetStringAsync("/api/v1/users?pageSize=100"))!["items"]!.AsArray();
                var target = users.First(u => u!["email"]!.GetValue<string>() == "employee@demo.example")!["id"]!.GetValue<string>();
                return new Case("PUT", $"/api/v1/users/{target}/roles", new JsonObject { ["roles"] = new JsonArray("employee") }, null, "roles");
            }

            case "POST /api/v1/api-keys":
                // AUTH-9: a key scoped to a permission the admin holds; creating one re-authenticates (AUTH-11).
                return new Case("POST", "/api/v1/api-keys",
                    new JsonObject
                    {
                        ["name"] = "Battery " + U(), ["permissions"] = new JsonArray("inventory:read"), ["expiresInDays"] = 30,
                        ["currentPassword"] = BulwarkApiFactory.DemoPassword,
                    },
                    "name", "permissions");

            case "POST /api/v1/auth/login/mfa":
            {
                // AUTH-8: hr has a confirmed factor; the valid body sends the next step's code (the current one is spent).
                using var hr = await api.ClientForAsync("hr");
                var secret = await EnrollAsync(hr, confirm: true);
                var challenge = await PostOkAsync(client, "/api/v1/auth/login",
                    new { tenant = "demo", email = "hr@demo.example", password = BulwarkApiFactory.DemoPassword });
                return new Case("POST", "/api/v1/auth/login/mfa",
                    new JsonObject { ["mfaToken"] = challenge["mfaToken"]!.GetValue<string>(), ["code"] = Code(secret, 1) }, "mfaToken", "code");
            }

            case "POST /api/v1/auth/login/mfa/enroll":
            {
                // AUTH-8: while the rival tenant requires a second factor, hr@rival's login opens an enrollment challenge.
                using var rivalAdmin = await api.ClientForAsync("admin", "rival");
                using (var on = await rivalAdmin.PutAsJsonAsync("/api/v1/tenants/current/mfa", new { required = true }))
                {
                    Assert.Equal(HttpStatusCode.OK, on.StatusCode);
                }

                var challenge = await PostOkAsync(client, "/api/v1/auth/login",
                    new { tenant = "rival", email = "hr@rival.example", password = BulwarkApiFactory.DemoPassword });
                using (var off = await rivalAdmin.PutAsJsonAsync("/api/v1/tenants/current/mfa", new { required = false }))
                {
                    Assert.Equal(HttpStatusCode.OK, off.StatusCode);
                }

                return new Case("POST", "/api/v1/auth/login/mfa/enroll",
                    new JsonObject { ["mfaToken"] = challenge["mfaToken"]!.GetValue<string>() }, "mfaToken", "mfaToken");
            }

            case "POST /api/v1/auth/mfa/enroll":
                return new Case("POST", "/api/v1/auth/mfa/enroll",
                    new JsonObject { ["currentPassword"] = BulwarkApiFactory.DemoPassword }, null, "currentPassword", Role: "inventory",
                    AnyText: "currentPassword");
            case "POST /api/v1/auth/mfa/confirm":
            {
                using var manager = await api.ClientForAsync("manager");
                var secret = await EnrollAsync(manager, confirm: false);
                return new Case("POST", "/api/v1/auth/mfa/confirm", new JsonObject { ["code"] = Code(secret, 0) }, null, "code",
                    Role: "manager", AnyText: "code");
            }

            case "POST /api/v1/auth/mfa/disable":
            {
                using var employee = await api.ClientForAsync("employee");
                var secret = await EnrollAsync(employee, confirm: true);
                return new Case("POST", "/api/v1/auth/mfa/disable",
                    new JsonObject { ["currentPassword"] = BulwarkApiFactory.DemoPassword, ["code"] = Code(secret, 1) }, null, "code",
                    Role: "employee", AnyText: "currentPassword");
            }

            case "PUT /api/v1/tenants/current/mfa":
                return new Case("PUT", "/api/v1/tenants/current/mfa", new JsonObject { ["required"] = false }, null, "required");

            default:
                throw new InvalidOperationException("no case for " + name);
        }
    }

    private static JsonObject EmployeeBody(string? number)
    {
        var body = new JsonObject
        {
            ["firstName"] = "Ada", ["lastName"] = "Lovelace", ["workEmail"] = "ada@demo.example", ["department"] = "Engineering",
            ["title"] = "Analyst", ["hireDate"] = "2024-02-01", ["status"] = "active",
        };
        if (number is not null)
        {
            body["number"] = number;
        }

        return body;
    }

    private static async Task<JsonObject> EntryBodyAsync(HttpClient client)
    {
        var cash = await PostOkAsync(client, "/api/v1/accounts", new { code = "A" + U(), name = "Cash", type = "asset" });
        var sales = await PostOkAsync(client, "/api/v1/accounts", new { code = "A" + U(), name = "Sales", type = "revenue" });
        return new JsonObject
        {
            ["date"] = "2026-03-01",
            ["memo"] = "Cash sale",
            ["lines"] = new JsonArray(
                new JsonObject { ["accountId"] = cash["id"]!.GetValue<string>(), ["debit"] = 100 },
                new JsonObject { ["accountId"] = sales["id"]!.GetValue<string>(), ["credit"] = 100 }),
        };
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Case c, string json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Url)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        return await client.SendAsync(request);
    }

    private static string With(JsonObject valid, Action<JsonObject> change)
    {
        var copy = valid.DeepClone().AsObject();
        change(copy);
        return copy.ToJsonString();
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task Battery_RejectsEachAttackNamingTheField_ThenTheValidBodySucceeds(string name)
    {
        using var admin = await api.ClientForAsync("admin");
        var c = await BuildAsync(name, admin);
        // The request goes out as the case's role (own-account endpoints), otherwise as the admin who set it up.
        using var other = c.Role is null ? null : await api.ClientForAsync(c.Role);
        var client = other ?? admin;

        using (var unknown = await SendAsync(client, c, With(c.Valid, b => b["bogusField"] = 1)))
        {
            await ProblemAssert.IsValidationProblemAsync(unknown, "bogusField", "unknownProperty");
        }

        // Duplicate key: the required field appears twice (the parser sees both).
        var duplicated = "{\"" + c.Required + "\":" + c.Valid[c.Required]!.ToJsonString() + "," + c.Valid.ToJsonString()[1..];
        using (var duplicate = await SendAsync(client, c, duplicated))
        {
            await ProblemAssert.IsValidationProblemAsync(duplicate, c.Required, "duplicateProperty");
        }

        using (var missing = await SendAsync(client, c, With(c.Valid, b => b.Remove(c.Required))))
        {
            await ProblemAssert.IsValidationProblemAsync(missing, c.Required, "required");
        }

        if (c.PlainText is { } text)
        {
            using (var wrongType = await SendAsync(client, c, With(c.Valid, b => b[text] = 12345)))
            {
                await ProblemAssert.IsValidationProblemAsync(wrongType, text, "type");
            }

            using (var tooLong = await SendAsync(client, c, With(c.Valid, b => b[text] = new string('a', 5000))))
            {
                await ProblemAssert.IsValidationProblemAsync(tooLong, text, "maxLength");
            }

            using (var html = await SendAsync(client, c, With(c.Valid, b => b[text] = "<img src=x onerror=alert(1)>")))
            {
                await ProblemAssert.IsValidationProblemAsync(html, text, "plainText");
            }
        }
        else if (c.AnyText is { } anyText)
        {
            using (var wrongType = await SendAsync(client, c, With(c.Valid, b => b[anyText] = 12345)))
            {
                await ProblemAssert.IsValidationProblemAsync(wrongType, anyText, "type");
            }

            using var tooLong = await SendAsync(client, c, With(c.Valid, b => b[anyText] = new string('a', 5000)));
            await ProblemAssert.IsValidationProblemAsync(tooLong, anyText, "maxLength");
        }
        else
        {
            using var wrongType = await SendAsync(client, c, With(c.Valid, b => b[c.Required] = "one"));
            await ProblemAssert.IsValidationProblemAsync(wrongType, c.Required, "type");
        }

        using var valid = await SendAsync(client, c, c.Valid.ToJsonString());
        var body = await valid.Content.ReadAsStringAsync();
        Assert.True(valid.IsSuccessStatusCode, $"{name}: valid body answered {(int)valid.StatusCode} {body}");
    }

    [Fact]
    public void EveryBodyEndpoint_HasACase()
    {
        _ = api.Server;
        var covered = CaseNames.ToHashSet();
        var withBody = api.Services.GetRequiredService<IEnumerable<EndpointDataSource>>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .ToList();
        Assert.NotEmpty(withBody);
        Assert.All(withBody, endpoint => Assert.Contains(endpoint, covered));
    }
}

public sealed class BodyEndpointsBatterySqliteTests(SqliteApiFactory api) : BodyEndpointsBatteryTests(api), IClassFixture<SqliteApiFactory>;

public sealed class BodyEndpointsBatteryPostgresTests(PostgresApiFactory api) : BodyEndpointsBatteryTests(api), IClassFixture<PostgresApiFactory>;
