using System.Net;
using System.Text.Json;
using Xunit;

namespace Bulwark.Testing;

/// <summary>Assertions on the one error shape (ERR-1) and on what it must never contain (ERR-2).</summary>
public static class ProblemAssert
{
    private static readonly string[] Leaks =
    [
        "   at ", "Exception", "System.", "Microsoft.", "Npgsql", "SQLite", "Sqlite", "SELECT ", "INSERT ", "UPDATE ",
        "/work/", "/tmp/", "/home/", "/usr/", "Host=", "Password=", "Data Source", "StackTrace", "Bulwark.Erp",
        "Bulwark.Security", "Bulwark.Api", ".cs:line",
    ];

    /// <summary>Status, problem+json content type, the RFC 9457 members and a trace id; returns the body.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        NoLeaks(body);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("traceId").GetString()));
        return json;
    }

    /// <summary>A 400 validation problem that names <paramref name="field"/> with <paramref name="constraint"/>.</summary>
    public static async Task<JsonElement> IsValidationProblemAsync(HttpResponseMessage response, string field, string? constraint = null)
    {
        var json = await IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Validation Error", json.GetProperty("title").GetString());
        var errors = json.GetProperty("errors").EnumerateArray().ToList();
        var entry = errors.FirstOrDefault(e => e.GetProperty("field").GetString() == field);
        Assert.True(entry.ValueKind == JsonValueKind.Object,
            $"no error for field '{field}' in {json.GetProperty("errors")}");
        if (constraint is not null)
        {
            Assert.True(entry.GetProperty("constraints").TryGetProperty(constraint, out _),
                $"field '{field}' lacks constraint '{constraint}': {entry}");
        }

        return json;
    }

    /// <summary>A business-rule problem (409/422) that names <paramref name="field"/> in its <c>errors</c> list.</summary>
    public static void NamesField(JsonElement problem, string field)
    {
        Assert.True(problem.TryGetProperty("errors", out var errors), $"problem has no errors list: {problem}");
        Assert.Contains(errors.EnumerateArray(), e => e.GetProperty("field").GetString() == field);
    }

    public static void NoLeaks(string body)
    {
        foreach (var leak in Leaks)
        {
            Assert.False(body.Contains(leak, StringComparison.Ordinal), $"response body leaks '{leak}': {body}");
        }
    }
}
