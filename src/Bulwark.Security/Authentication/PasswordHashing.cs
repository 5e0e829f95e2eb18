using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-1: passwords hashed with ASP.NET Core Identity's PBKDF2-HMAC-SHA512 format (v3) at
/// 210,000 iterations (OWASP 2023). A hash made with fewer iterations verifies as
/// "rehash needed", so the caller can upgrade it on the next successful login.
/// </summary>
public sealed class PasswordHashing
{
    /// <summary>OWASP's minimum for PBKDF2-HMAC-SHA512.</summary>
    public const int Iterations = 210_000;

    private static readonly object Subject = new();
    private readonly PasswordHasher<object> _hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = Iterations,
    }));

    private readonly Lazy<string> _dummyHash;

    public PasswordHashing()
    {
        _dummyHash = new Lazy<string>(() => Hash(Guid.NewGuid().ToString("N") + "-dummy"));
    }

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return _hasher.HashPassword(Subject, password);
    }

    public PasswordCheck Verify(string? hash, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        // AUTH-2: an unknown user still costs one full hash, so timing does not reveal existence.
        var result = _hasher.VerifyHashedPassword(Subject, hash ?? _dummyHash.Value, password);
        return hash is null
            ? PasswordCheck.Failed
            : result switch
            {
                PasswordVerificationResult.Success => PasswordCheck.Valid,
                PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.ValidRehashNeeded,
                _ => PasswordCheck.Failed,
            };
    }
}

public enum PasswordCheck
{
    Failed,
    Valid,
    ValidRehashNeeded,
}
