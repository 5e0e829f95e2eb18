using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Authentication;

/// <summary>AUTH-8: second factor (TOTP) policy, bound from <c>Bulwark:Mfa</c>.</summary>
public sealed class MfaOptions
{
    public const string SectionName = "Bulwark:Mfa";

    /// <summary>
    /// Roles that must use a second factor: a user holding one cannot finish a login until enrolled. Comma-separated;
    /// default <c>admin</c>; empty = none (a tenant can still require it for everyone).
    /// </summary>
    [RegularExpression("^[a-z,]*$")]
    public string RequiredRoles { get; set; } = "admin";

    /// <summary>How long the second step of a login (or an enrollment during login) may take. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:15:00")]
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wrong codes one login challenge tolerates before it is void (each also counts towards the lockout, AUTH-3). Default 5.</summary>
    [Range(1, 10)]
    public int MaxChallengeAttempts { get; set; } = 5;

    /// <summary>Single-use recovery codes issued at enrollment. Default 10.</summary>
    [Range(4, 20)]
    public int RecoveryCodeCount { get; set; } = 10;

    /// <summary>The issuer shown by authenticator apps. Default <c>Bulwark</c>.</summary>
    [Required, StringLength(64, MinimumLength = 1)]
    public string Issuer { get; set; } = "Bulwark";

    public IReadOnlySet<string> RequiredRoleSet() =>
        RequiredRoles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}
