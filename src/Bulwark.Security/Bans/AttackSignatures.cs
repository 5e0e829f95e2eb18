using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Bans;

/// <summary>
/// BAN-1: attack signatures. One request carrying one bans its client: a scanner user agent (case-insensitive
/// substring), or an injection/traversal payload in the raw request target (path + query, percent-decoded twice
/// against double encoding) or in a small text body. The patterns are specific to attack syntax (a quote followed by
/// OR 1=1, UNION SELECT, ../, /etc/passwd, &lt;script, ${jndi:) so ordinary business text does not match; every pattern is
/// linear (no nested quantifiers) and bounded by a match timeout (a timeout is no match: see <see cref="IsPayload"/>).
/// </summary>
internal sealed partial class AttackSignatures(IOptions<BanOptions> options)
{
    public const string ScannerReason = "scanner-user-agent";
    public const string PayloadReason = "attack-payload";
    private readonly string[] _scanners = [.. options.Value.Scanners];

    [GeneratedRegex("""
        '\s*(?:or|and)\s+(?:'[^']{0,32}'|\d{1,10}|true)\s*(?:=|like\b|>|<)
        |'\s*(?:--|\#|/\*)
        |\b(?:or|and)\s+\d{1,10}\s*=\s*\d{1,10}
        |\bunion\s+(?:all\s+)?select\b
        |;\s*(?:drop|truncate|alter|delete|insert|update|exec|shutdown)\s
        |\b(?:sleep|pg_sleep|benchmark)\s*\(
        |\bwaitfor\s+delay\b
        |\binformation_schema\b
        |\bxp_cmdshell\b
        |<\s*script\b
        |\bjavascript\s*:
        |\bon(?:error|load)\s*=
        |\.\.[/\\]
        |[/\\]etc[/\\](?:passwd|shadow)\b
        |\b(?:win|boot)\.ini\b
        |\$\{\s*jndi\s*:
        |\x00
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Payload();

    /// <summary>The reason to ban for the user agent and request target, or null.</summary>
    public string? MatchRequest(HttpContext context)
    {
        var userAgent = context.Request.Headers.UserAgent.ToString();
        if (userAgent.Length > 0)
        {
            foreach (var scanner in _scanners)
            {
                if (userAgent.Contains(scanner, StringComparison.OrdinalIgnoreCase))
                {
                    return ScannerReason;
                }
            }
        }

        // The raw target: Kestrel has already removed dot segments from Request.Path.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        return IsPayload(Decode(target)) ? PayloadReason : null;
    }

    /// <summary>True when <paramref name="text"/> (a body, decoded) carries a payload.</summary>
    public static bool IsPayload(string text)
    {
        try
        {
            return Payload().IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            // The patterns are linear in the input (≤ the inspected size), so a timeout means a starved CPU, not a
            // crafted input: banning then would ban legitimate clients under load. The request is still validated.
            return false;
        }
    }

    public static string Decode(string text)
    {
        var decoded = text.Replace('+', ' ');
        for (var i = 0; i < 2 && decoded.Contains('%', StringComparison.Ordinal); i++)
        {
            decoded = Uri.UnescapeDataString(decoded);
        }

        return decoded;
    }

    /// <summary>JSON escapes attackers use to hide quotes and brackets, undone before matching.</summary>
    public static string DecodeBody(string body) => Decode(body
        .Replace("\\u0027", "'", StringComparison.OrdinalIgnoreCase)
        .Replace("\\u003c", "<", StringComparison.OrdinalIgnoreCase)
        .Replace("\\/", "/", StringComparison.Ordinal)
        .Replace("\\\\", "\\", StringComparison.Ordinal));
}
