using Bulwark.Erp.Data;

namespace Bulwark.Erp.Users;

/// <summary>A person who signs in to one tenant. Password hash only (AUTH-1); roles per tenant.</summary>
public sealed class User : TenantEntity
{
    public required string Email { get; set; }

    /// <summary>Upper-cased invariant, for the unique (tenant, email) index and case-insensitive login.</summary>
    public required string NormalizedEmail { get; set; }

    public required string DisplayName { get; set; }

    public required string PasswordHash { get; set; }

    public List<string> Roles { get; set; } = [];

    public bool IsActive { get; set; } = true;

    /// <summary>The employee record of this user, when there is one (AZ-3 ownership).</summary>
    public Guid? EmployeeId { get; set; }

    public DateTime? LastLoginAt { get; set; }

    /// <summary>AUTH-3: failed logins since the last successful login or lockout (changed only by conditional UPDATEs).</summary>
    public int FailedLoginCount { get; set; }

    /// <summary>AUTH-3: the account refuses every login until then; null when not locked.</summary>
    public DateTime? LockedUntil { get; set; }

    /// <summary>AUTH-8: the TOTP secret (base32), encrypted at rest (DATA-1); set at enrollment, null when MFA is off.</summary>
    public string? TotpSecret { get; set; }

    /// <summary>AUTH-8: when the enrollment was confirmed with a first code; null while pending or off.</summary>
    public DateTime? TotpEnabledAt { get; set; }

    /// <summary>AUTH-8: the last TOTP time step accepted (changed only by a conditional UPDATE): a code is accepted once.</summary>
    public long? TotpLastStep { get; set; }

    public bool MfaEnabled => TotpEnabledAt is not null && TotpSecret is not null;

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();
}
