using System.Collections.Frozen;
using System.Text;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-1: the bundled list of common and breached passwords that can never be set (NIST SP 800-63B §3.1.1.2).
/// Source: the <c>passwords</c> dictionary of zxcvbn (npm <c>@zxcvbn-ts/language-common</c> 3.0.4, MIT, see
/// <c>CommonPasswords.LICENSE.txt</c>) — the most frequent passwords of public breach corpora — 49,233 entries,
/// stored NFC-normalized and lower-cased. Compared case-insensitively, so "Qwerty123456" is refused like "qwerty123456".
/// Most entries are shorter than the 12-character minimum (308 are not): length alone already refuses those.
/// </summary>
public static class CommonPasswordList
{
    private const string ResourceName = "Bulwark.Security.Authentication.CommonPasswords.txt";
    private static readonly Lazy<FrozenSet<string>> Entries = new(Load);

    /// <summary>Number of entries in the bundled list.</summary>
    public static int Count => Entries.Value.Count;

    /// <summary>True when <paramref name="password"/> (case-insensitive, NFC) is on the list.</summary>
    public static bool Contains(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return Entries.Value.Contains(password.Normalize(NormalizationForm.FormC).ToLowerInvariant());
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswordList).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var entries = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                entries.Add(line);
            }
        }

        return entries.ToFrozenSet(StringComparer.Ordinal);
    }
}
