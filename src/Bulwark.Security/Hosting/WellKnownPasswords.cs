namespace Bulwark.Security.Hosting;

/// <summary>
/// DATA-5: passwords that are development defaults — what installers, tutorials, compose files and this repository's
/// own test and benchmark scripts use. Outside Development a database or Redis connection using one stops the host.
/// A connection without a password (client certificates, peer or Kerberos authentication, a passfile) is not refused.
/// </summary>
public static class WellKnownPasswords
{
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "postgres", "password", "passw0rd", "admin", "root", "secret", "changeme", "change-me", "test", "example",
        "123456", "12345678", "redis", "bulwark", "app-pass", "owner-pass",
    };

    public static bool IsWellKnown(string? password) => password is not null && Known.Contains(password.Trim());

    public static string Message(string settingPath) =>
        $"{settingPath} uses a well-known development password; outside Development set a strong one (DATA-5).";
}
