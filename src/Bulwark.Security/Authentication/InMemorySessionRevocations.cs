using System.Collections.Concurrent;

namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-6: the revoked-session set of one instance, in memory. Entries are forgotten once no access
/// token of their session can be valid any more, so the set stays bounded by the sessions revoked in
/// the last session lifetime.
/// </summary>
internal sealed class InMemorySessionRevocations(TimeProvider time) : ISessionRevocations
{
    private const int PruneEvery = 1024;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);
    private int _additions;

    public bool IsRevoked(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        // An entry past RememberUntil can only match tokens that have expired anyway; keeping it is harmless.
        return _revoked.ContainsKey(sessionId);
    }

    public Task RevokeAsync(IReadOnlyCollection<RevokedSession> sessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        Load(sessions);
        return Task.CompletedTask;
    }

    public void Load(IEnumerable<RevokedSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        foreach (var session in sessions)
        {
            _revoked.AddOrUpdate(session.SessionId, session.RememberUntil,
                (_, existing) => existing > session.RememberUntil ? existing : session.RememberUntil);
            if (Interlocked.Increment(ref _additions) % PruneEvery == 0)
            {
                Prune();
            }
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (sessionId, until) in _revoked)
        {
            if (until < now)
            {
                _revoked.TryRemove(sessionId, out _);
            }
        }
    }
}
