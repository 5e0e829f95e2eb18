using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.Api.Tests.Employees;

/// <summary>Employees end to end, run on SQLite and on PostgreSQL.</summary>
public abstract class EmployeesTests(BulwarkApiFactory api)
{
    private const string ValidIban = "DE89370400440532013000";
    private const HttpStatusCode Unprocessable = (HttpStatusCode)422;

    [Fact]
    public async Task Create_ThenGetListFilterAndSort_ReturnsTheEmployees()
    {
        using var client = await api.ClientForAsync("admin");
        var department = "Dept-" + Unique();
        var boss = await CreateAsync(client, Body(department: department, lastName: "Zimmer", hireDate: "2010-05-01"));
        var bossId = boss.GetProperty("id").GetString()!;
        var first = await CreateAsync(client, Body(department: department, lastName: "Adams", hireDate: "2020-01-15", managerId: bossId));
        var second = await CreateAsync(client, Body(department: department, lastName: "Moreau", hireDate: "2015-07-01",
            managerId: bossId, status: "on-leave"));

        using var get = await client.GetAsync($"/api/v1/employees/{first.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var fetched = JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Adams", fetched.GetProperty("lastName").GetString());
        Assert.Equal(bossId, fetched.GetProperty("managerId").GetString());
        Assert.Equal("2020-01-15", fetched.GetProperty("hireDate").GetString());
        Assert.Equal("active", fetched.GetProperty("status").GetString());
        Assert.Equal(1, fetched.GetProperty("version").GetInt32());
        Assert.Equal(first.GetProperty("number").GetString(), fetched.GetProperty("number").GetString());

        Assert.Equal(["Adams", "Moreau", "Zimmer"], await LastNamesAsync(client, $"department={department}&sort=lastName"));
        Assert.Equal(["Zimmer", "Moreau", "Adams"], await LastNamesAsync(client, $"department={department}&sort=-lastName"));
        Assert.Equal(["Zimmer", "Moreau", "Adams"], await LastNamesAsync(client, $"department={department}&sort=hireDate"));
        Assert.Equal(["Adams", "Moreau"], await LastNamesAsync(client, $"managerId={bossId}&sort=lastName"));
        Assert.Equal(["Moreau"], await LastNamesAsync(client, $"department={department}&status=on-leave"));
        Assert.Empty(await LastNamesAsync(client, $"department={department}&status=terminated"));

        var page = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/employees?department={department}&pageSize=2")).RootElement;
        Assert.Equal(3, page.GetProperty("totalCount").GetInt32());
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(second.GetProperty("id").GetString(),
            (await ItemsAsync(client, $"department={department}&status=on-leave"))[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Create_ValidBody_Returns201WithLocation()
    {
        using var client = await api.ClientForAsync("hr");
        using var response = await client.PostAsync("/api/v1/employees", Json(Body()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"/api/v1/employees/{created.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        Assert.Equal(ValidIban, created.GetProperty("iban").GetString());
        Assert.Equal(52000.50m, created.GetProperty("salary").GetDecimal());
        Assert.False(created.TryGetProperty("managerId", out _));
    }

    [Theory, Trait("Control", "VAL-1"), Trait("Control", "VAL-2")]
    [InlineData("unknownProperty", "isAdmin", "unknownProperty")]
    [InlineData("serverOwnedId", "id", "unknownProperty")]
    [InlineData("serverOwnedVersion", "version", "unknownProperty")]
    [InlineData("duplicateKey", "firstName", "duplicateProperty")]
    [InlineData("salaryAsString", "salary", "type")]
    [InlineData("hireDateAsNumber", "hireDate", "type")]
    [InlineData("managerIdNotAGuid", "managerId", "type")]
    [InlineData("missingNumber", "number", "required")]
    [InlineData("missingLastName", "lastName", "required")]
    [InlineData("missingHireDate", "hireDate", "required")]
    [InlineData("missingStatus", "status", "required")]
    [InlineData("blankFirstName", "firstName", "required")]
    [InlineData("longFirstName", "firstName", "maxLength")]
    [InlineData("longNumber", "number", "maxLength")]
    [InlineData("longNationalId", "nationalId", "maxLength")]
    [InlineData("htmlTitle", "title", "plainText")]
    [InlineData("htmlDepartment", "department", "plainText")]
    [InlineData("controlCharLastName", "lastName", "plainText")]
    [InlineData("badNumber", "number", "format")]
    [InlineData("badEmail", "workEmail", "format")]
    [InlineData("badStatus", "status", "enum")]
    [InlineData("badNationalId", "nationalId", "format")]
    [InlineData("ibanBadChecksum", "iban", "format")]
    [InlineData("ibanLowerCase", "iban", "format")]
    [InlineData("ibanBadShape", "iban", "format")]
    [InlineData("salaryThreeDecimals", "salary", "scale")]
    [InlineData("salaryNegative", "salary", "range")]
    [InlineData("salaryTooHigh", "salary", "range")]
    [InlineData("hireDateTooEarly", "hireDate", "range")]
    [InlineData("hireDateTooLate", "hireDate", "range")]
    [InlineData("emptyManagerId", "managerId", "format")]
    public async Task Create_InvalidBody_Returns400NamingTheField(string mutation, string field, string constraint)
    {
        using var client = await api.ClientForAsync("admin");
        using var bad = await client.PostAsync("/api/v1/employees", Mutate(Body(), mutation));
        await ProblemAssert.IsValidationProblemAsync(bad, field, constraint);

        // The other side: the same body without the defect is accepted.
        using var good = await client.PostAsync("/api/v1/employees", Json(Body()));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }

    [Theory, Trait("Control", "VAL-1"), Trait("Control", "VAL-2"), Trait("Control", "VAL-3")]
    [InlineData("unknownProperty", "isAdmin", "unknownProperty")]
    [InlineData("numberNotEditable", "number", "unknownProperty")]
    [InlineData("duplicateKey", "firstName", "duplicateProperty")]
    [InlineData("salaryAsString", "salary", "type")]
    [InlineData("versionAsString", "version", "type")]
    [InlineData("missingVersion", "version", "required")]
    [InlineData("missingLastName", "lastName", "required")]
    [InlineData("missingHireDate", "hireDate", "required")]
    [InlineData("longFirstName", "firstName", "maxLength")]
    [InlineData("htmlTitle", "title", "plainText")]
    [InlineData("badEmail", "workEmail", "format")]
    [InlineData("badStatus", "status", "enum")]
    [InlineData("ibanBadChecksum", "iban", "format")]
    [InlineData("salaryThreeDecimals", "salary", "scale")]
    [InlineData("hireDateTooLate", "hireDate", "range")]
    [InlineData("versionZero", "version", "range")]
    public async Task Update_InvalidBody_Returns400NamingTheField(string mutation, string field, string constraint)
    {
        using var client = await api.ClientForAsync("admin");
        var created = await CreateAsync(client, Body());
        var id = created.GetProperty("id").GetString();

        using var bad = await client.PutAsync($"/api/v1/employees/{id}", Mutate(UpdateBody(version: 1), mutation));
        await ProblemAssert.IsValidationProblemAsync(bad, field, constraint);

        using var good = await client.PutAsync($"/api/v1/employees/{id}", Json(UpdateBody(version: 1)));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var updated = JsonDocument.Parse(await good.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Updated", updated.GetProperty("title").GetString());
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        Assert.Equal(created.GetProperty("number").GetString(), updated.GetProperty("number").GetString());
    }

    [Fact, Trait("Control", "VAL-6")]
    public async Task List_UnknownSortOrFilterValue_Returns400()
    {
        using var client = await api.ClientForAsync("admin");
        using var sort = await client.GetAsync("/api/v1/employees?sort=salary");
        await ProblemAssert.IsValidationProblemAsync(sort, "sort", "enum");
        using var status = await client.GetAsync("/api/v1/employees?status=retired");
        await ProblemAssert.IsValidationProblemAsync(status, "status", "enum");
        using var manager = await client.GetAsync("/api/v1/employees?managerId=abc");
        await ProblemAssert.IsValidationProblemAsync(manager, "managerId", "type");
        using var unknown = await client.GetAsync("/api/v1/employees?salary=1");
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.BadRequest);

        using var ok = await client.GetAsync("/api/v1/employees?sort=-department&status=active");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Create_DuplicateNumber_Returns409()
    {
        using var client = await api.ClientForAsync("admin");
        var number = "E-" + Unique();
        await CreateAsync(client, Body(number: number));
        using var duplicate = await client.PostAsync("/api/v1/employees", Json(Body(number: number)));
        await ProblemAssert.IsProblemAsync(duplicate, HttpStatusCode.Conflict);

        // Numbers are unique per tenant only: another tenant may use the same one.
        using var rival = await api.ClientForAsync("admin", "rival");
        using var other = await rival.PostAsync("/api/v1/employees", Json(Body(number: number)));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    [Fact, Trait("Control", "DATA-6")]
    public async Task Update_WithStaleVersion_Returns409AndKeepsTheFirstWrite()
    {
        using var client = await api.ClientForAsync("admin");
        var id = (await CreateAsync(client, Body())).GetProperty("id").GetString();

        using var first = await client.PutAsync($"/api/v1/employees/{id}", Json(UpdateBody(version: 1, title: "First")));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var stale = await client.PutAsync($"/api/v1/employees/{id}", Json(UpdateBody(version: 1, title: "Second")));
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Conflict);

        var stored = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/employees/{id}")).RootElement;
        Assert.Equal("First", stored.GetProperty("title").GetString());
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task GetAndUpdate_OtherTenantsEmployee_Returns404()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        var rivalId = (await CreateAsync(rival, Body())).GetProperty("id").GetString();

        using var demo = await api.ClientForAsync("admin");
        using var get = await demo.GetAsync($"/api/v1/employees/{rivalId}");
        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound);
        using var put = await demo.PutAsync($"/api/v1/employees/{rivalId}", Json(UpdateBody(version: 1)));
        await ProblemAssert.IsProblemAsync(put, HttpStatusCode.NotFound);
        Assert.DoesNotContain(rivalId, (await ItemsAsync(demo, "pageSize=100")).Select(e => e.GetProperty("id").GetString()));

        using var own = await rival.GetAsync($"/api/v1/employees/{rivalId}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await own.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt32());
    }

    [Fact, Trait("Control", "AZ-4")]
    public async Task Create_ManagerFromOtherTenantOrUnknown_Returns422NamingManagerId()
    {
        using var rival = await api.ClientForAsync("admin", "rival");
        var rivalManager = (await CreateAsync(rival, Body())).GetProperty("id").GetString()!;

        using var demo = await api.ClientForAsync("admin");
        using var foreign = await demo.PostAsync("/api/v1/employees", Json(Body(managerId: rivalManager)));
        await AssertUnprocessableAsync(foreign, "managerId");
        using var unknown = await demo.PostAsync("/api/v1/employees", Json(Body(managerId: Guid.CreateVersion7().ToString())));
        await AssertUnprocessableAsync(unknown, "managerId");

        var id = (await CreateAsync(demo, Body())).GetProperty("id").GetString();
        using var update = await demo.PutAsync($"/api/v1/employees/{id}", Json(UpdateBody(version: 1, managerId: rivalManager)));
        await AssertUnprocessableAsync(update, "managerId");

        // The other side: a manager of the own tenant is accepted.
        var ownManager = (await CreateAsync(demo, Body())).GetProperty("id").GetString()!;
        using var ok = await demo.PostAsync("/api/v1/employees", Json(Body(managerId: ownManager)));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        using var okUpdate = await demo.PutAsync($"/api/v1/employees/{id}", Json(UpdateBody(version: 1, managerId: ownManager)));
        Assert.Equal(HttpStatusCode.OK, okUpdate.StatusCode);
    }

    [Fact]
    public async Task Update_ManagerCycleOrSelf_Returns422()
    {
        using var client = await api.ClientForAsync("admin");
        var a = (await CreateAsync(client, Body())).GetProperty("id").GetString()!;
        var b = (await CreateAsync(client, Body(managerId: a))).GetProperty("id").GetString()!;
        var c = (await CreateAsync(client, Body(managerId: b))).GetProperty("id").GetString()!;

        using var self = await client.PutAsync($"/api/v1/employees/{a}", Json(UpdateBody(version: 1, managerId: a)));
        await AssertUnprocessableAsync(self, "managerId");
        using var direct = await client.PutAsync($"/api/v1/employees/{a}", Json(UpdateBody(version: 1, managerId: b)));
        await AssertUnprocessableAsync(direct, "managerId");
        using var indirect = await client.PutAsync($"/api/v1/employees/{a}", Json(UpdateBody(version: 1, managerId: c)));
        await AssertUnprocessableAsync(indirect, "managerId");

        // Re-parenting without a cycle works: c moves directly under a.
        using var ok = await client.PutAsync($"/api/v1/employees/{c}", Json(UpdateBody(version: 1, managerId: a)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var stored = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/employees/{a}")).RootElement;
        Assert.False(stored.TryGetProperty("managerId", out _));
        Assert.Equal(1, stored.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Update_ConcurrentMutualManagers_OnlyOneWins()
    {
        using var client = await api.ClientForAsync("admin");
        for (var round = 0; round < 5; round++)
        {
            var a = (await CreateAsync(client, Body())).GetProperty("id").GetString()!;
            var b = (await CreateAsync(client, Body())).GetProperty("id").GetString()!;

            // A under B and B under A at the same time: committing both would close a cycle.
            var responses = await Task.WhenAll(
                client.PutAsync($"/api/v1/employees/{a}", Json(UpdateBody(version: 1, managerId: b))),
                client.PutAsync($"/api/v1/employees/{b}", Json(UpdateBody(version: 1, managerId: a))));
            Assert.Equal([HttpStatusCode.OK, Unprocessable], responses.Select(r => r.StatusCode).OrderBy(s => (int)s).ToArray());
            foreach (var response in responses)
            {
                response.Dispose();
            }

            var withManager = 0;
            foreach (var id in new[] { a, b })
            {
                var stored = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/employees/{id}")).RootElement;
                withManager += stored.TryGetProperty("managerId", out _) ? 1 : 0;
            }

            Assert.Equal(1, withManager);
        }
    }

    [Theory, Trait("Control", "AZ-5")]
    [InlineData("admin")]
    [InlineData("hr")]
    public async Task SensitiveFields_ForAdminAndHr_ArePresent(string role)
    {
        using var admin = await api.ClientForAsync("admin");
        var department = "Sens-" + Unique();
        var id = (await CreateAsync(admin, Body(department: department))).GetProperty("id").GetString();

        using var client = await api.ClientForAsync(role);
        var employee = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/employees/{id}")).RootElement;
        Assert.Equal("AB-123456", employee.GetProperty("nationalId").GetString());
        Assert.Equal(ValidIban, employee.GetProperty("iban").GetString());
        Assert.Equal(52000.50m, employee.GetProperty("salary").GetDecimal());

        var listed = Assert.Single(await ItemsAsync(client, $"department={department}"));
        Assert.Equal(ValidIban, listed.GetProperty("iban").GetString());
        Assert.Equal(52000.50m, listed.GetProperty("salary").GetDecimal());
        Assert.Equal("AB-123456", listed.GetProperty("nationalId").GetString());
    }

    [Theory, Trait("Control", "AZ-5")]
    [InlineData("auditor")]   // employees:read without employees:read-sensitive
    public async Task SensitiveFields_ForOtherRoles_AreOmitted(string role)
    {
        using var admin = await api.ClientForAsync("admin");
        var department = "Sens-" + Unique();
        var id = (await CreateAsync(admin, Body(department: department))).GetProperty("id").GetString();

        using var client = await api.ClientForAsync(role);
        var body = await client.GetStringAsync($"/api/v1/employees/{id}");
        var employee = JsonDocument.Parse(body).RootElement;
        Assert.Equal(id, employee.GetProperty("id").GetString());
        Assert.Equal("Lovelace", employee.GetProperty("lastName").GetString());
        AssertNoSensitive(employee);
        Assert.DoesNotContain(ValidIban, body, StringComparison.Ordinal);

        var listBody = await client.GetStringAsync($"/api/v1/employees?department={department}");
        AssertNoSensitive(Assert.Single(JsonDocument.Parse(listBody).RootElement.GetProperty("items").EnumerateArray()));
        Assert.DoesNotContain(ValidIban, listBody, StringComparison.Ordinal);

        // AZ-2: reading is not writing.
        using var created = await client.PostAsync("/api/v1/employees", Json(Body()));
        await ProblemAssert.IsProblemAsync(created, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DemoSeed_LinksManagerAndEmployeeUsersToTheirRecords()
    {
        using var admin = await api.ClientForAsync("admin");
        var users = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/users?pageSize=100")).RootElement
            .GetProperty("items").EnumerateArray().ToList();
        string EmployeeIdOf(string email) =>
            users.Single(u => u.GetProperty("email").GetString() == email).GetProperty("employeeId").GetString()!;

        var managerRecord = JsonDocument.Parse(await admin.GetStringAsync(
            $"/api/v1/employees/{EmployeeIdOf("manager@demo.example")}")).RootElement;
        var employeeRecord = JsonDocument.Parse(await admin.GetStringAsync(
            $"/api/v1/employees/{EmployeeIdOf("employee@demo.example")}")).RootElement;
        Assert.Equal("manager@demo.example", managerRecord.GetProperty("workEmail").GetString());
        Assert.Equal("employee@demo.example", employeeRecord.GetProperty("workEmail").GetString());
        Assert.Equal(managerRecord.GetProperty("id").GetString(), employeeRecord.GetProperty("managerId").GetString());
        Assert.True(employeeRecord.TryGetProperty("iban", out var iban));
        Assert.Matches("^DE[0-9]{20}$", iban.GetString()!);

        var reports = await ItemsAsync(admin, $"managerId={managerRecord.GetProperty("id").GetString()}");
        Assert.True(reports.Count >= 2);
    }

    private static void AssertNoSensitive(JsonElement employee)
    {
        Assert.True(employee.TryGetProperty("number", out _));
        Assert.False(employee.TryGetProperty("nationalId", out _));
        Assert.False(employee.TryGetProperty("iban", out _));
        Assert.False(employee.TryGetProperty("salary", out _));
    }

    private static async Task AssertUnprocessableAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAssert.IsProblemAsync(response, Unprocessable);
        ProblemAssert.NamesField(problem, field);
    }

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static JsonObject Body(string? number = null, string department = "Engineering", string lastName = "Lovelace",
        string hireDate = "2021-03-01", string? managerId = null, string status = "active")
    {
        var body = new JsonObject
        {
            ["number"] = number ?? "E-" + Unique(),
            ["firstName"] = "Ada",
            ["lastName"] = lastName,
            ["workEmail"] = "ada." + Unique() + "@demo.example",
            ["department"] = department,
            ["title"] = "Engineer",
            ["hireDate"] = hireDate,
            ["status"] = status,
            ["nationalId"] = "AB-123456",
            ["iban"] = ValidIban,
            ["salary"] = 52000.50m,
        };
        if (managerId is not null)
        {
            body["managerId"] = managerId;
        }

        return body;
    }

    private static JsonObject UpdateBody(int version, string title = "Updated", string? managerId = null)
    {
        var body = Body(managerId: managerId);
        body.Remove("number");
        body["title"] = title;
        body["version"] = version;
        return body;
    }

    /// <summary>Applies one named defect to an otherwise valid body.</summary>
    private static StringContent Mutate(JsonObject body, string mutation)
    {
        switch (mutation)
        {
            case "duplicateKey":
                // JsonObject cannot hold a key twice: splice it into the text.
                return Raw("{\"firstName\":\"Eve\"," + body.ToJsonString()[1..]);
            case "unknownProperty": body["isAdmin"] = true; break;
            case "serverOwnedId": body["id"] = Guid.CreateVersion7().ToString(); break;
            case "serverOwnedVersion": body["version"] = 1; break;
            case "numberNotEditable": body["number"] = "E-" + Unique(); break;
            case "salaryAsString": body["salary"] = "1000"; break;
            case "hireDateAsNumber": body["hireDate"] = 20200101; break;
            case "managerIdNotAGuid": body["managerId"] = "not-a-guid"; break;
            case "versionAsString": body["version"] = "1"; break;
            case "missingNumber": body.Remove("number"); break;
            case "missingLastName": body.Remove("lastName"); break;
            case "missingHireDate": body.Remove("hireDate"); break;
            case "missingStatus": body.Remove("status"); break;
            case "missingVersion": body.Remove("version"); break;
            case "blankFirstName": body["firstName"] = "   "; break;
            case "longFirstName": body["firstName"] = new string('a', 101); break;
            case "longNumber": body["number"] = new string('N', 33); break;
            case "longNationalId": body["nationalId"] = new string('7', 33); break;
            case "htmlTitle": body["title"] = "<b>Boss</b>"; break;
            case "htmlDepartment": body["department"] = "<script>alert(1)</script>"; break;
            case "controlCharLastName": body["lastName"] = "Love\u0007lace"; break;
            case "badNumber": body["number"] = "E 12/3"; break;
            case "badEmail": body["workEmail"] = "not-an-email"; break;
            case "badStatus": body["status"] = "retired"; break;
            case "badNationalId": body["nationalId"] = "AB 12;34"; break;
            case "ibanBadChecksum": body["iban"] = "DE89370400440532013001"; break;
            case "ibanLowerCase": body["iban"] = "de89370400440532013000"; break;
            case "ibanBadShape": body["iban"] = "1289370400440532013000"; break;
            case "salaryThreeDecimals": body["salary"] = 1000.123m; break;
            case "salaryNegative": body["salary"] = -1m; break;
            case "salaryTooHigh": body["salary"] = 100_000_000.01m; break;
            case "hireDateTooEarly": body["hireDate"] = "1899-12-31"; break;
            case "hireDateTooLate":
                body["hireDate"] = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1).AddDays(2).ToString("yyyy-MM-dd");
                break;
            case "emptyManagerId": body["managerId"] = Guid.Empty.ToString(); break;
            case "versionZero": body["version"] = 0; break;
            default: throw new ArgumentOutOfRangeException(nameof(mutation), mutation, null);
        }

        return Json(body);
    }

    private static StringContent Json(JsonObject body) => Raw(body.ToJsonString());

    private static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> CreateAsync(HttpClient client, JsonObject body)
    {
        using var response = await client.PostAsync("/api/v1/employees", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create failed: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"/api/v1/employees?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"list failed: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().ToList();
    }

    private static async Task<List<string>> LastNamesAsync(HttpClient client, string query) =>
        (await ItemsAsync(client, query)).Select(e => e.GetProperty("lastName").GetString()!).ToList();
}

public sealed class EmployeesSqliteTests(SqliteApiFactory api) : EmployeesTests(api), IClassFixture<SqliteApiFactory>;

public sealed class EmployeesPostgresTests(PostgresApiFactory api) : EmployeesTests(api), IClassFixture<PostgresApiFactory>;
