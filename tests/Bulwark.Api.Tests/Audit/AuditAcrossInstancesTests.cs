using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Api.Tests.Authentication;

namespace Bulwark.Api.Tests.Audit;

/// <summary>
/// LOG-3 "done when": 1,000 audited writes sent concurrently to two real instances on one PostgreSQL database (the
/// chain's append serializes on an advisory lock across instances) leave a chain that <c>verify-audit</c> accepts,
/// with every one of those writes in it.
/// </summary>
[Trait("Control", "LOG-3")]
public sealed partial class AuditAcrossInstancesTests(TwoInstancesOnPostgres cluster) : IClassFixture<TwoInstancesOnPostgres>
{
    [Fact]
    public async Task AThousandConcurrentWrites_FromTwoInstances_Verify()
    {
        string token;
        using (var login = cluster.A.CreateClient())
        using (var response = await login.PostAsJsonAsync("/api/v1/auth/login",
                   new { tenant = "demo", email = "admin@demo.example", password = BulwarkApiFactory.DemoPassword }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        }

        var (beforeExit, before) = await CliProcess.RunAsync(cluster.Database, "verify-audit");
        Assert.True(beforeExit == 0, before);
        var run = Guid.NewGuid().ToString("N")[..8];
        var next = -1;
        var workers = Enumerable.Range(0, 16).Select(async worker =>
        {
            using var client = (worker % 2 == 0 ? cluster.A : cluster.B).CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            int n;
            while ((n = Interlocked.Increment(ref next)) < 1000)
            {
                using var created = await client.PostAsJsonAsync("/api/v1/items",
                    new { sku = $"C{run}-{n:0000}", name = "Concurrent " + n, unit = "pcs", unitCost = 1 });
                Assert.True(created.StatusCode == HttpStatusCode.Created, $"write {n}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            }
        }).ToArray();
        await Task.WhenAll(workers);

        var (exitCode, output) = await CliProcess.RunAsync(cluster.Database, "verify-audit");
        Assert.True(exitCode == 0, output);
        var verified = long.Parse(Count().Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var earlier = long.Parse(Count().Match(before).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(verified >= earlier + 1000, $"{earlier} events before, {verified} after 1,000 audited writes");
    }

    [GeneratedRegex(@"verify-audit: OK, (\d+) events verified")]
    private static partial Regex Count();
}
