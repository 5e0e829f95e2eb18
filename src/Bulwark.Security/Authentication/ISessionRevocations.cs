namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-6: the set of revoked sessions, consulted on every authenticated request without any I/O
/// (<see cref="IsRevoked"/> reads local memory only). The in-memory implementation serves one
/// instance; a distributed one (Redis pub/sub) keeps the same local set and, in <see cref="RevokeAsync"/>,
/// also publishes so every other instance adds the session to its own set.
/// </summary>
public interface ISessionRevocations
{
    /// <summary>True when the session (the access token's <c>sid</c>) was revoked. Hot path: no I/O.</summary>
    bool IsRevoked(string sessionId);

    /// <summary>Revokes sessions on this instance (and, in a distributed store, on all instances).</summary>
    Task RevokeAsync(IReadOnlyCollection<RevokedSession> sessions, CancellationToken cancellationToken);

    /// <summary>Fills the local set from the persistent record at start (sessions revoked before this instance ran).</summary>
    void Load(IEnumerable<RevokedSession> sessions);
}

/// <summary>
/// A revoked session and how long the revocation must be remembered: until no access token of the
/// session can still be valid (session end + access-token lifetime + skew).
/// </summary>
public sealed record RevokedSession(string SessionId, DateTimeOffset RememberUntil);
