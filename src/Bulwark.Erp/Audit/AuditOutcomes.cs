using Bulwark.Security.Audit;

namespace Bulwark.Erp.Audit;

/// <summary>The stored spelling of <see cref="SecurityOutcome"/> (stable: filters and alerts key on it).</summary>
public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Denied = "denied";

    public static string From(SecurityOutcome outcome) => outcome switch
    {
        SecurityOutcome.Success => Success,
        SecurityOutcome.Denied => Denied,
        _ => Failure,
    };
}
