using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Api.Tests.Audit;
using Bulwark.Erp.Employees;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Tests.Crypto;

/// <summary>One employee's sensitive values, unique per test run so a grep of the database can only find these.</summary>
internal sealed record SensitiveValues(string Number, string NationalId, string Iban, long SalaryCents)
{
    public decimal Salary => SalaryCents / 100m;

    public string SalaryDigits => SalaryCents.ToString(CultureInfo.InvariantCulture);

    public static SensitiveValues NewUnique()
    {
        var digits = RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var bban = RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture)
                   + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        var iban = Enumerable.Range(0, 100).Select(c => $"DE{c:00}{bban}").First(IbanRules.IsValid);
        return new SensitiveValues("E-" + Guid.NewGuid().ToString("N")[..10], "NID-" + digits, iban,
            RandomNumberGenerator.GetInt32(10_000_000, 99_999_999));
    }
}

/// <summary>DATA-1 test helpers: create employees through the API, read and tamper with the stored columns directly.</summary>
internal static class SensitiveEmployees
{
    public static async Task<string> CreateAsync(HttpClient client, SensitiveValues values)
    {
        var body = new JsonObject
        {
            ["number"] = values.Number,
            ["firstName"] = "Grace",
            ["lastName"] = "Hopper",
            ["workEmail"] = values.Number.ToLowerInvariant() + "@demo.example",
            ["department"] = "Crypto",
            ["title"] = "Engineer",
            ["hireDate"] = "2022-02-01",
            ["status"] = "active",
            ["nationalId"] = values.NationalId,
            ["iban"] = values.Iban,
            ["salary"] = values.Salary,
        };
        using var response = await client.PostAsync("/api/v1/employees", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create failed: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Asserts the API returns the clear values (round trip through encryption).</summary>
    public static async Task AssertReadableAsync(HttpClient client, string id, SensitiveValues values)
    {
        using var response = await client.GetAsync($"/api/v1/employees/{id}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"get failed: {(int)response.StatusCode} {text}");
        var employee = JsonDocument.Parse(text).RootElement;
        Assert.Equal(values.NationalId, employee.GetProperty("nationalId").GetString());
        Assert.Equal(values.Iban, employee.GetProperty("iban").GetString());
        Assert.Equal(values.Salary, employee.GetProperty("salary").GetDecimal());
    }

    /// <summary>The stored (encrypted) text of one column of the employee with this number.</summary>
    public static Task<string?> StoredAsync(BulwarkApiFactory api, string number, string column)
    {
        var sql = Select(column);
        return AuditQueries.WithDbAsync(api, db => db.Database.SqlQueryRaw<string?>(sql, number).SingleAsync());
    }

    public static Task<int?> StoredKeyIdAsync(BulwarkApiFactory api, string number) =>
        AuditQueries.WithDbAsync(api, db => db.Database
            .SqlQueryRaw<int?>("SELECT \"DataKeyId\" AS \"Value\" FROM employees WHERE \"Number\" = {0}", number)
            .SingleAsync());

    public static Task<int> OverwriteAsync(BulwarkApiFactory api, string number, string column, string value)
    {
        var sql = Update(column);
        return AuditQueries.WithDbAsync(api, db => db.Database.ExecuteSqlRawAsync(sql, value, number));
    }

    /// <summary>Only the three encrypted columns, as constant statements.</summary>
    private static string Select(string column) => column switch
    {
        "NationalId" => "SELECT \"NationalId\" AS \"Value\" FROM employees WHERE \"Number\" = {0}",
        "Iban" => "SELECT \"Iban\" AS \"Value\" FROM employees WHERE \"Number\" = {0}",
        "SalaryCents" => "SELECT \"SalaryCents\" AS \"Value\" FROM employees WHERE \"Number\" = {0}",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    private static string Update(string column) => column switch
    {
        "NationalId" => "UPDATE employees SET \"NationalId\" = {0} WHERE \"Number\" = {1}",
        "Iban" => "UPDATE employees SET \"Iban\" = {0} WHERE \"Number\" = {1}",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };
}
