using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Security.Authentication;

/// <summary>
/// Issue 7 hot path: the identity <see cref="VerifiedSignatureCache"/> builds for a token it answers from its snapshot,
/// carrying the <see cref="CallerContext"/> read once from the snapshot's claims, so the rate limiter, the permission
/// check, the tenant binding and the request log do not each search the claims again on every request (AZ-4: still
/// read from the token's claims only). Any change to the claims drops it, and <see cref="CallerContext.From"/> reads the
/// claims again.
/// </summary>
internal sealed class SnapshotClaimsIdentity(IEnumerable<Claim> claims, string? authenticationType, string nameType, string roleType,
    CallerContext? caller) : CaseSensitiveClaimsIdentity(claims, authenticationType, nameType, roleType)
{
    private volatile CallerContext? _caller = caller;

    /// <summary>The caller these claims describe; null once a claim was added or removed.</summary>
    internal CallerContext? Caller => _caller;

    public override void AddClaim(Claim claim)
    {
        _caller = null;
        base.AddClaim(claim);
    }

    public override void AddClaims(IEnumerable<Claim?> claims)
    {
        _caller = null;
        base.AddClaims(claims);
    }

    public override void RemoveClaim(Claim? claim)
    {
        _caller = null;
        base.RemoveClaim(claim);
    }

    public override bool TryRemoveClaim(Claim? claim)
    {
        _caller = null;
        return base.TryRemoveClaim(claim);
    }
}
