using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Api.Tests.Logging;

/// <summary>
/// LOG-4 on a real process: after logins, refreshes, a failed login carrying secret-shaped input and an
/// employee create with a national id and an IBAN, no secret the run used appears in any output line
/// the process wrote; the redaction layer visibly acted; hostile input in a security event's fields
/// cannot forge a line or a field.
/// </summary>
public sealed class LogRedactionTests(ApiProcessFixture instance) : IClassFixture<ApiProcessFixture>
{
    [Fact, Trait("Control", "LOG-4")]
    public async Task FullRun_NoSecretItUsedReachesTheLog_AndSecretShapedInputIsRedacted()
    {
        var secrets = new List<string> { BulwarkApiFactory.DemoPassword };
        using var anonymous = instance.CreateClient();
        using var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = "hr@demo.example", password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = JsonDocument.Parse(await login.Content.ReadAsStringAsync()).RootElement;
        var access = tokens.GetProperty("accessToken").GetString()!;
        var refresh = tokens.GetProperty("refreshToken").GetString()!;
        secrets.AddRange([access, refresh]);

        using var refreshed = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refresh });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var next = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync()).RootElement;
        secrets.Add(next.GetProperty("accessToken").GetString()!);
        secrets.Add(next.GetProperty("refreshToken").GetString()!);

        var nationalId = "NI-" + Random.Shared.Next(100_000, 999_999);
        const string Iban = "DE44500105175407324931";
        using var hr = instance.CreateClient();
        hr.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", next.GetProperty("accessToken").GetString());
        using var employee = await hr.PostAsJsonAsync("/api/v1/employees", new Dictionary<string, object>
        {
            ["number"] = "E-" + Guid.NewGuid().ToString("N")[..8], ["firstName"] = "Grace", ["lastName"] = "Hopper",
            ["workEmail"] = $"grace.{Guid.NewGuid():N}@demo.example", ["department"] = "Engineering", ["title"] = "Rear Admiral",
            ["hireDate"] = "2020-01-01", ["status"] = "active", ["nationalId"] = nationalId, ["iban"] = Iban, ["salary"] = 91234.5m,
        });
        Assert.Equal(HttpStatusCode.Created, employee.StatusCode);
        secrets.AddRange([nationalId, Iban]);

        // A failed login whose User-Agent (logged with the security event) carries a JWT, a bearer
        // credential, an IBAN and a JSON fragment that tries to close the line's object.
        var forgedJwt = access;   // a real token, replayed in a header that is logged
        // (The fragment first: the logged agent is bounded to 256 characters.)
        var agent = $"probe/1.0 \",\"EventType\":\"forged\"}}{{\"@t\":\"FORGED GB82WEST12345698765432 Bearer {refresh} {forgedJwt}";
        using var probe = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { tenant = "demo", email = "hr@demo.example", password = "Wrong-" + BulwarkApiFactory.DemoPassword }),
        };
        probe.Headers.TryAddWithoutValidation("User-Agent", agent);
        using var failed = await anonymous.SendAsync(probe);
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        secrets.AddRange(["Wrong-" + BulwarkApiFactory.DemoPassword, "GB82WEST12345698765432"]);

        var line = await WaitForLineAsync(l => l.Contains("auth.login.failed", StringComparison.Ordinal) && l.Contains("probe/1.0", StringComparison.Ordinal));
        var parsed = JsonDocument.Parse(line).RootElement;   // one well-formed JSON object per line
        Assert.Equal("auth.login.failed", parsed.GetProperty("EventType").GetString());
        var loggedAgent = parsed.GetProperty("UserAgent").GetString()!;
        Assert.Contains("[REDACTED]", loggedAgent, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", loggedAgent, StringComparison.Ordinal);   // not even the part a length bound kept
        Assert.Contains("\"EventType\":\"forged\"", parsed.GetProperty("UserAgent").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(instance.Api.OutputLines, l => l.StartsWith("{\"@t\":\"FORGED", StringComparison.Ordinal));

        await Task.Delay(500);   // let the request log lines of the last requests arrive
        var output = instance.Api.OutputLines;
        Assert.All(output, l => Assert.True(l.Length == 0 || l[0] != '{' || IsJson(l), "not a JSON line: " + l));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(output, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static bool IsJson(string line)
    {
        try
        {
            using var _ = JsonDocument.Parse(line);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = instance.Api.OutputLines.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the log line did not appear within 10 s");
            await Task.Delay(100);
        }
    }
}
