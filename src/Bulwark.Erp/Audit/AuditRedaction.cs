namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-4: fields whose values never enter the audit store. The diff records that such a field was
/// set or changed, never its value (national ids, bank accounts, salaries, password hashes, any
/// secret, token or key).
/// </summary>
internal static class AuditRedaction
{
    private static readonly HashSet<string> Exact = new(StringComparer.OrdinalIgnoreCase)
    {
        "NationalId", "Iban", "SalaryCents", "Salary", "PasswordHash",
    };

    private static readonly string[] Fragments = ["Password", "Secret", "Token", "ApiKey", "PrivateKey", "Totp"];

    public static bool IsSensitive(string propertyName) =>
        Exact.Contains(propertyName) || Fragments.Any(f => propertyName.Contains(f, StringComparison.OrdinalIgnoreCase));
}
