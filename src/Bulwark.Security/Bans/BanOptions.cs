using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Bans;

/// <summary>
/// BAN-1: automatic IP bans, bound from <c>Bulwark:Bans</c> (env <c>Bulwark__Bans__AuthFailureThreshold</c>, …).
/// Defaults are the hardening checklist; every value is validated at start. Allow-listed networks
/// (<c>Bulwark:RateLimiting:AllowList</c>, RL-4) are never banned.
/// </summary>
public sealed class BanOptions
{
    public const string SectionName = "Bulwark:Bans";

    /// <summary>Authentication failures (401 on an auth endpoint or with credentials) from one IP that ban it. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int AuthFailureThreshold { get; set; } = 20;

    /// <summary>Window of <see cref="AuthFailureThreshold"/> in seconds. Default 300 (5 min).</summary>
    [Range(10, 86_400)]
    public int AuthFailureWindowSeconds { get; set; } = 300;

    /// <summary>Validation failures (400/422) from one IP that ban it. Default 50. Raising it gives a fuzzer more tries.</summary>
    [Range(1, 1_000_000)]
    public int ValidationFailureThreshold { get; set; } = 50;

    /// <summary>Window of <see cref="ValidationFailureThreshold"/> in seconds. Default 600 (10 min).</summary>
    [Range(10, 86_400)]
    public int ValidationFailureWindowSeconds { get; set; } = 600;

    /// <summary>Distinct paths no endpoint serves (404 without a route) requested by one IP that ban it (probing); repeats of a path within the window count once. Default 30.</summary>
    [Range(1, 1_000_000)]
    public int UnknownPathThreshold { get; set; } = 30;

    /// <summary>Window of <see cref="UnknownPathThreshold"/> in seconds. Default 60.</summary>
    [Range(10, 86_400)]
    public int UnknownPathWindowSeconds { get; set; } = 60;

    /// <summary>
    /// User-agent fragments of attack tools (case-insensitive substring): one request carrying one bans the IP. Default
    /// sqlmap, nikto, wapiti, nuclei, nmap, masscan, zgrab, acunetix, netsparker, w3af, dirbuster, gobuster, feroxbuster,
    /// ffuf, wpscan, havij, openvas, whatweb, jorgee. Setting the list replaces the defaults.
    /// </summary>
    public List<string> ScannerUserAgents { get; set; } = [];

    /// <summary>
    /// Scan request bodies (JSON, form, text, XML) up to <see cref="MaxInspectedBodyBytes"/> for injection and traversal
    /// payloads. Default true. Off, only the path, query and user agent are scanned.
    /// </summary>
    public bool InspectBodies { get; set; } = true;

    /// <summary>Largest body scanned, in bytes. Default 16384; larger bodies are not scanned (they are still validated).</summary>
    [Range(256, 1_048_576)]
    public int MaxInspectedBodyBytes { get; set; } = 16_384;

    /// <summary>First ban, in hours. Default 24.</summary>
    [Range(1, 8_760)]
    public int FirstBanHours { get; set; } = 24;

    /// <summary>Second ban of the same IP, in hours. Default 168 (7 days). The third ban is permanent (until lifted).</summary>
    [Range(1, 87_600)]
    public int SecondBanHours { get; set; } = 168;

    /// <summary>How often each instance reloads the active bans from the database, in seconds. Default 10.</summary>
    [Range(1, 3_600)]
    public int RefreshSeconds { get; set; } = 10;

    /// <summary>
    /// true = detectors log and emit <c>abuse.ban.reported</c> for what they would ban, and ban nothing. Default false.
    /// For trying thresholds on live traffic before enforcing them.
    /// </summary>
    public bool ReportOnly { get; set; }

    internal static readonly string[] DefaultScanners =
    [
        "sqlmap", "nikto", "wapiti", "nuclei", "nmap", "masscan", "zgrab", "acunetix", "netsparker", "w3af", "dirbuster",
        "gobuster", "feroxbuster", "ffuf", "wpscan", "havij", "openvas", "whatweb", "jorgee",
    ];

    internal IReadOnlyList<string> Scanners => ScannerUserAgents.Count > 0 ? ScannerUserAgents : DefaultScanners;

    internal TimeSpan? DurationFor(int offence) => offence switch
    {
        <= 1 => TimeSpan.FromHours(FirstBanHours),
        2 => TimeSpan.FromHours(SecondBanHours),
        _ => null, // third offence: permanent
    };
}

[OptionsValidator]
internal sealed partial class BanOptionsValidator : IValidateOptions<BanOptions>;
