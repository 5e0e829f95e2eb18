using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Bulwark.Api.Tests.Logging;

/// <summary>
/// LOG-1/LOG-2/LOG-4/ERR-2 on a real instance's stdout: one JSON line per request with the operational
/// fields and no query string; security events name fields, never values; no secret reaches the log;
/// hostile input cannot forge a line.
/// </summary>
public sealed class RequestLogTests(ApiProcessFixture instance) : IClassFixture<ApiProcessFixture>
{
    private const string RequestLogger = "Serilog.AspNetCore.RequestLoggingMiddleware";

    [Fact, Trait("Control", "LOG-1")]
    public async Task Request_IsLoggedOnceAsJsonWithTheOperationalFieldsAndNoQueryString()
    {
        using var client = await instance.ClientForAsync("admin");
        var traceId = NewTraceId();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items?page=1&pageSize=5");
        request.Headers.TryAddWithoutValidation("traceparent", Traceparent(traceId));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var line = await RequestLineAsync(traceId);
        Assert.Equal("GET", line.GetProperty("RequestMethod").GetString());
        Assert.Equal("/api/v1/items", line.GetProperty("RequestPath").GetString());
        Assert.Equal(200, line.GetProperty("StatusCode").GetInt32());
        Assert.True(line.GetProperty("Elapsed").GetDouble() > 0);
        Assert.Equal("127.0.0.1", line.GetProperty("ClientIp").GetString());
        Assert.Equal(traceId, line.GetProperty("@tr").GetString());
        Assert.True(DateTimeOffset.TryParse(line.GetProperty("@t").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.False(string.IsNullOrEmpty(line.GetProperty("UserId").GetString()));
        Assert.False(string.IsNullOrEmpty(line.GetProperty("TenantId").GetString()));

        await Task.Delay(300); // a second line for the same request would have arrived by now
        var forTrace = instance.Api.OutputLines.Where(l => l.Contains(traceId, StringComparison.Ordinal)).ToList();
        Assert.Single(forTrace, l => l.Contains(RequestLogger, StringComparison.Ordinal));
        Assert.DoesNotContain(forTrace, l => l.Contains("pageSize", StringComparison.Ordinal) || l.Contains('?', StringComparison.Ordinal));
        var token = await instance.TokenForAsync("admin");
        Assert.DoesNotContain(instance.Api.OutputLines, l => l.Contains(token, StringComparison.Ordinal));
    }

    [Fact, Trait("Control", "LOG-1"), Trait("Control", "TLS-2")]
    public async Task SpoofedForwardingHeaders_FromAnUntrustedPeer_DoNotChangeTheLoggedClientIp()
    {
        using var client = instance.CreateClient();
        var traceId = NewTraceId();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { tenant = "demo", email = "nobody@demo.example", password = "Not-The-Password-1" }),
        };
        request.Headers.TryAddWithoutValidation("traceparent", Traceparent(traceId));
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");
        request.Headers.TryAddWithoutValidation("X-Real-IP", "203.0.113.8");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=203.0.113.9");
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);

        Assert.Equal("127.0.0.1", (await RequestLineAsync(traceId)).GetProperty("ClientIp").GetString());
        Assert.Equal("127.0.0.1", (await EventLineAsync(traceId, "auth.login.failed")).GetProperty("ClientIp").GetString());
        Assert.DoesNotContain(instance.Api.OutputLines, l => l.Contains("203.0.113.", StringComparison.Ordinal));
    }

    [Fact, Trait("Control", "LOG-2"), Trait("Control", "LOG-4")]
    public async Task ValidationFailure_EmitsASecurityEventWithFieldNamesButNeverTheValues()
    {
        using var client = await instance.ClientForAsync("admin");
        var secret = "Sk-LEAK-" + Guid.NewGuid().ToString("N");
        var traceId = NewTraceId();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/items")
        {
            Content = new StringContent(
                $$"""{"sku":"{{secret}} x","name":"<b>{{secret}}</b>","unit":"{{secret}}","unitCost":1.234}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("traceparent", Traceparent(traceId));
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsValidationProblemAsync(response, "name", "plainText");
        Assert.DoesNotContain(secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var securityEvent = await EventLineAsync(traceId, "input.validation.failed");
        var reason = securityEvent.GetProperty("Reason").GetString()!.Split(',');
        Assert.Equal(new[] { "name", "sku", "unit", "unitCost" }, reason.Order(StringComparer.Ordinal));
        Assert.Equal("/api/v1/items", securityEvent.GetProperty("Resource").GetString());
        Assert.Equal("127.0.0.1", securityEvent.GetProperty("ClientIp").GetString());
        Assert.Equal(400, (await RequestLineAsync(traceId)).GetProperty("StatusCode").GetInt32());

        // A value in an unknown property (the classic mass-assignment probe) is not logged either.
        var traceId2 = NewTraceId();
        using var probe = new HttpRequestMessage(HttpMethod.Post, "/api/v1/items")
        {
            Content = new StringContent($$"""{"sku":"A-1","apiKey":"{{secret}}"}""", Encoding.UTF8, "application/json"),
        };
        probe.Headers.TryAddWithoutValidation("traceparent", Traceparent(traceId2));
        using var probed = await client.SendAsync(probe);
        await ProblemAssert.IsValidationProblemAsync(probed, "apiKey", "unknownProperty");
        Assert.Equal("apiKey", (await EventLineAsync(traceId2, "input.validation.failed")).GetProperty("Reason").GetString());

        Assert.DoesNotContain(instance.Api.OutputLines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact, Trait("Control", "LOG-2"), Trait("Control", "LOG-4")]
    public async Task Login_WithAWrongPassword_LogsLoginFailedWithoutThePassword()
    {
        var password = "Wrong-" + Guid.NewGuid().ToString("N");
        using var client = instance.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { tenant = "demo", email = "finance@demo.example", password });
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        var traceId = problem.GetProperty("traceId").GetString()!;

        var failed = await EventLineAsync(traceId, "auth.login.failed");
        Assert.Equal("Failure", failed.GetProperty("Outcome").GetString());
        Assert.Equal("127.0.0.1", failed.GetProperty("ClientIp").GetString());
        Assert.Equal(401, (await RequestLineAsync(traceId)).GetProperty("StatusCode").GetInt32());

        // The right password logs success; neither password nor token is ever written.
        var okTrace = NewTraceId();
        using var login = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { tenant = "demo", email = "finance@demo.example", password = BulwarkApiFactory.DemoPassword }),
        };
        login.Headers.TryAddWithoutValidation("traceparent", Traceparent(okTrace));
        using var ok = await client.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var token = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
        Assert.Equal("Success", (await EventLineAsync(okTrace, "auth.login.succeeded")).GetProperty("Outcome").GetString());
        await RequestLineAsync(okTrace);

        var lines = instance.Api.OutputLines;
        Assert.DoesNotContain(lines, l => l.Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(BulwarkApiFactory.DemoPassword, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(token.Split('.')[2], StringComparison.Ordinal));
    }

    /// <summary>Raw requests carrying line breaks and fake JSON log records in the path and User-Agent.</summary>
    public static TheoryData<string, string> ForgeryAttempts => new()
    {
        { "encoded CR/LF in the path", "GET /api/v1/items%0d%0a%7b%22@t%22:%22FORGED%22%7d HTTP/1.1\r\nHost: localhost\r\n" },
        { "encoded CR/LF in a 404 path", "GET /x%0d%0a%7b%22@t%22:%22FORGED%22,%22@m%22:%22admin%20logged%20in%22%7d HTTP/1.1\r\nHost: localhost\r\n" },
        { "bare LF in the User-Agent", "GET /health/live HTTP/1.1\r\nHost: localhost\r\nUser-Agent: a\n{\"@t\":\"FORGED\"}: b\r\n" },
        { "bare CR in the User-Agent", "GET /health/live HTTP/1.1\r\nHost: localhost\r\nUser-Agent: a\r{\"@t\":\"FORGED\"}\r\n" },
        { "Unicode line separators in the User-Agent", "GET /health/live HTTP/1.1\r\nHost: localhost\r\nUser-Agent: a\u00c2\u0085{\"@t\":\"FORGED\"}\u00e2\u0080\u00a8x\r\n" },
        { "CR/LF in a validation field name", WithBody("POST /api/v1/auth/login", """{"x\r\n{\"@t\":\"FORGED\"}":1}""") },
        { "CR/LF in a validated value", WithBody("POST /api/v1/auth/login", """{"tenant":"demo\r\n{\"@t\":\"FORGED\"}","email":"a@b.c","password":"x"}""") },
    };

    private static string WithBody(string requestLine, string json) =>
        $"{requestLine} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    [Theory, MemberData(nameof(ForgeryAttempts)), Trait("Control", "LOG-4")]
    public async Task HostileInput_CannotForgeALogLine(string attack, string request)
    {
        var traceId = NewTraceId();
        var head = request.Contains("\r\n\r\n", StringComparison.Ordinal)
            ? request.Replace("Host: localhost\r\n", $"Host: localhost\r\ntraceparent: {Traceparent(traceId)}\r\nConnection: close\r\n", StringComparison.Ordinal)
            : request + $"traceparent: {Traceparent(traceId)}\r\nConnection: close\r\n\r\n";
        var response = await RawHttp.SendAsync(instance.Api.Port, head);
        Assert.InRange(response.Status, 200, 499);

        // Wait until the request (if it got past Kestrel's parser) has been logged, then check every line.
        await instance.Api.WaitForLineAsync(l => l.Contains(traceId, StringComparison.Ordinal)
                                                 && l.Contains(RequestLogger, StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        foreach (var line in instance.Api.OutputLines)
        {
            JsonElement entry;
            try
            {
                entry = JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException)
            {
                Assert.Fail($"{attack}: a log line is not JSON: {line}");
                throw;
            }

            Assert.Equal(JsonValueKind.Object, entry.ValueKind);
            Assert.True(DateTimeOffset.TryParse(entry.GetProperty("@t").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _),
                $"{attack}: forged timestamp in {line}");
        }
    }

    private async Task<JsonElement> RequestLineAsync(string traceId)
    {
        var line = await instance.Api.WaitForLineAsync(
            l => l.Contains(traceId, StringComparison.Ordinal) && l.Contains(RequestLogger, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.True(line is not null, $"no request log line for trace {traceId}");
        return JsonDocument.Parse(line).RootElement;
    }

    private async Task<JsonElement> EventLineAsync(string traceId, string eventType)
    {
        var line = await instance.Api.WaitForLineAsync(
            l => l.Contains(traceId, StringComparison.Ordinal) && l.Contains($"\"EventType\":\"{eventType}\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.True(line is not null, $"no {eventType} event for trace {traceId}");
        var entry = JsonDocument.Parse(line).RootElement;
        Assert.Equal(eventType, entry.GetProperty("EventType").GetString());
        Assert.Equal(traceId, entry.GetProperty("@tr").GetString());
        return entry;
    }

    private static string NewTraceId() => ActivityTraceId.CreateRandom().ToHexString();

    private static string Traceparent(string traceId) => $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
}
