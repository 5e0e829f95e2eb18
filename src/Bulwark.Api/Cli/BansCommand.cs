using System.Globalization;
using Bulwark.Security.Bans;

namespace Bulwark.Api.Cli;

/// <summary>
/// BAN-1: <c>bans list [--all]</c>, <c>bans show IP</c>, <c>bans lift IP</c>. Works on the shared database (and Redis in
/// scaled mode), so a lift reaches running instances at once (Redis) or within one ban-list refresh (embedded).
/// Exit 0 on success, 1 when the IP has no (active) ban, 2 on bad usage.
/// </summary>
internal static class BansCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var bans = services.GetRequiredService<IBanAdministration>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        switch (args)
        {
            case ["bans", "list", .. var rest] when rest is [] or ["--all"]:
                var records = await bans.ListAsync(activeOnly: rest.Length == 0, CancellationToken.None);
                foreach (var record in records)
                {
                    await output.WriteLineAsync(Describe(record, now));
                }

                await output.WriteLineAsync($"bans: {records.Count.ToString(CultureInfo.InvariantCulture)} listed");
                return 0;
            case ["bans", "show", var ip]:
                var (valid, found) = await bans.GetAsync(ip, CancellationToken.None);
                if (!valid)
                {
                    await error.WriteLineAsync("bans: not an IP address");
                    return 2;
                }

                await output.WriteLineAsync(found is null ? $"bans: {ip} was never banned" : Describe(found, now));
                return found is null ? 1 : 0;
            case ["bans", "lift", var ip]:
                var (ok, lifted) = await bans.LiftAsync(ip, "cli", CancellationToken.None);
                if (!ok)
                {
                    await error.WriteLineAsync("bans: not an IP address");
                    return 2;
                }

                await output.WriteLineAsync(lifted is null ? $"bans: {ip} has no active ban" : $"bans: lifted {lifted.Address}");
                return lifted is null ? 1 : 0;
            default:
                await error.WriteLineAsync("usage: bans list [--all] | bans show IP | bans lift IP");
                return 2;
        }
    }

    private static string Describe(BanRecord record, DateTimeOffset now) => string.Create(CultureInfo.InvariantCulture,
        $"{record.Address}\t{(record.IsActive(now) ? "active" : "inactive")}\toffences={record.Offences}\treason={record.Reason}\tbanned={record.BannedAt:O}\tuntil={(record.ExpiresAt is { } e ? e.ToString("O", CultureInfo.InvariantCulture) : "permanent")}{(record.LiftedAt is { } l ? $"\tlifted={l:O} by {record.LiftedBy}" : string.Empty)}");
}
