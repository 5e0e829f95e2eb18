namespace Bulwark.Testing;

/// <summary>
/// LOG-4: when <c>BULWARK_TEST_LOG_DIR</c> is set (./test.sh sets it), every host and process of the suites also writes
/// its JSON log to a file of its own there (<c>Bulwark:Logging:FilePath</c>), and ./test.sh scans them all for the
/// passwords, tokens and national ids the tests used (<c>scripts/scan-logs.sh</c>).
/// </summary>
public static class TestLogs
{
    public const string Variable = "BULWARK_TEST_LOG_DIR";
    public const string Setting = "Bulwark:Logging:FilePath";

    /// <summary>A new log file path for one host or process, or null when the run collects no logs.</summary>
    public static string? NewFile(string kind) =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } folder
            ? Path.Combine(folder, $"{kind}-{Guid.NewGuid():N}.log")
            : null;

    /// <summary>Adds a log file to <paramref name="settings"/> unless the test chose one itself.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> With(IEnumerable<KeyValuePair<string, string?>> settings, string kind)
    {
        var list = settings.ToList();
        if (!list.Any(s => s.Key.Replace("__", ":", StringComparison.Ordinal) == Setting) && NewFile(kind) is { } file)
        {
            list.Insert(0, new KeyValuePair<string, string?>(Setting, file));
        }

        return list;
    }
}
