using System.ComponentModel.DataAnnotations;

namespace Bulwark.Security.Authentication;

/// <summary>AUTH-3: account lockout, bound from <c>Bulwark:Lockout</c>.</summary>
public sealed class LockoutOptions
{
    public const string SectionName = "Bulwark:Lockout";

    /// <summary>
    /// Failed logins an account may have (since its last successful login or lockout) before the next failure locks
    /// it. Default 10: the 11th consecutive failure, from any IP and on any instance, locks. Higher gives an online
    /// guesser more tries per lockout period.
    /// </summary>
    [Range(1, 1000)]
    public int MaxFailedAttempts { get; set; } = 10;

    /// <summary>
    /// How long a locked account refuses every login, the right password included. Default 15 minutes; shorter
    /// multiplies the guesses an attacker gets per day, longer makes lockout a sharper denial-of-service tool.
    /// An admin can unlock earlier (<c>POST /api/v1/users/{id}/unlock</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
