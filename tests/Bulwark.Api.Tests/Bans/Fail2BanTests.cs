using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Bulwark.Api.Tests.Bans;

/// <summary>
/// BAN-2: the shipped fail2ban filter (deploy/fail2ban/filter.d/bulwark.conf), run by the real <c>fail2ban-regex</c>
/// (Debian package fail2ban; ./test.sh installs it) over the JSON log file a real instance wrote during this test:
/// exactly the abusive answers match (each request once, with the client's address), no successful request does.
/// </summary>
public sealed partial class Fail2BanTests
{
    [Fact, Trait("Control", "BAN-2")]
    public async Task Fail2BanFilter_OnTheLogTheAppWrote_MatchesEveryFailureOnce_AndNoSuccess()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var logDirectory = Path.Combine(database.DataDirectory, "logs");
        var settings = database.Settings();
        settings["Bulwark:Logging:FilePath"] = Path.Combine(logDirectory, "bulwark.log");
        settings["Bulwark:RateLimiting:Login:PermitLimit"] = "3";
        await using (var api = await ApiProcess.StartAsync(settings))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(401, (await BanWire.FailedLoginAsync(api, "127.0.40.1")).Status); // 3 × 401
            }

            Assert.Equal(429, (await BanWire.FailedLoginAsync(api, "127.0.40.1")).Status);     // 1 × 429
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(200, (await BanWire.GetAsync(api, "127.0.40.2", "/health/live")).Status);
            }

            var login = await BanWire.PostJsonAsync(api, "127.0.40.3", "/api/v1/auth/login",
                $$"""{"tenant":"demo","email":"admin@demo.example","password":"{{BulwarkApiFactory.DemoPassword}}"}""");
            Assert.Equal(200, login.Status);
            BanWire.IsBanned(await BanWire.GetAsync(api, "127.0.40.4", "/health/live", "sqlmap/1.8"));   // 403, banned
            BanWire.IsBanned(await BanWire.GetAsync(api, "127.0.40.4", "/api/v1/items"));                // 403
            // A quote in the path cannot forge a line for another address.
            Assert.InRange((await BanWire.GetAsync(api, "127.0.40.5", "/x%22%20responded%20401%20in%201%20ms%22,%22ClientIp%22:%22203.0.113.9")).Status, 400, 499);

            // The file sink writes through; wait until the last request's line is there.
            await WaitForAsync(() => Lines(logDirectory).Count(l => l.Contains("responded 403", StringComparison.Ordinal)) >= 2);
        }

        var log = Directory.GetFiles(logDirectory, "bulwark*.log").Single();
        var filter = Path.Combine(RepositoryPaths.Root(), "deploy", "fail2ban", "filter.d", "bulwark.conf");

        var all = await Fail2BanRegexAsync(log, filter);
        // Exactly 3 × 401 + 1 × 429 from 127.0.40.1 and 2 × 403 from 127.0.40.4. The forging probe's line (its path holds
        // quotes) matches nothing: neither the address it names nor its own.
        Assert.Equal(6, all.Matched);
        Assert.Equal(6, all.Hosts.Count);
        Assert.Equal(4, all.Hosts.Count(h => h == "127.0.40.1"));
        Assert.Equal(2, all.Hosts.Count(h => h == "127.0.40.4"));
        Assert.DoesNotContain("203.0.113.9", all.Hosts);

        // Only the successful requests' lines: the filter matches none of them.
        var successes = Path.Combine(logDirectory, "successes.txt");
        var successLines = Lines(logDirectory).Where(l => SuccessLine().IsMatch(l)).ToList();
        Assert.Equal(6, successLines.Count(l => l.Contains("127.0.40.2", StringComparison.Ordinal) || l.Contains("127.0.40.3", StringComparison.Ordinal)));
        await File.WriteAllLinesAsync(successes, successLines);
        var none = await Fail2BanRegexAsync(successes, filter);
        Assert.Equal(successLines.Count, none.Lines);
        Assert.Equal(0, none.Matched);
    }

    [GeneratedRegex("\"@m\":\"HTTP \\\\\"[A-Z]+\\\\\" .* responded 2[0-9][0-9] in ")]
    private static partial Regex SuccessLine();

    private static List<string> Lines(string logDirectory)
    {
        var lines = new List<string>();
        foreach (var file in Directory.GetFiles(logDirectory, "bulwark*.log"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "the log file did not get the expected lines");
    }

    private static async Task<(int Lines, int Matched, List<string> Hosts)> Fail2BanRegexAsync(string log, string filter)
    {
        var info = new ProcessStartInfo("fail2ban-regex") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--print-all-matched", log, filter })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("fail2ban-regex not found (apt-get install fail2ban)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        var summary = Regex.Match(output, @"Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed");
        Assert.True(summary.Success, output);
        // Matched lines are printed in full under "Matched line(s):"; take each one's ClientIp.
        var matchedBlock = output.Contains("Matched line(s):", StringComparison.Ordinal)
            ? output[output.IndexOf("Matched line(s):", StringComparison.Ordinal)..] : string.Empty;
        var end = matchedBlock.IndexOf("`-", StringComparison.Ordinal);
        matchedBlock = end > 0 ? matchedBlock[..end] : matchedBlock;
        var hosts = Regex.Matches(matchedBlock, "\"ClientIp\":\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        return (int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(summary.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), hosts);
    }
}
