namespace Bulwark.Security.Authentication;

/// <summary>
/// AUTH-4: the lifecycle as a pure function of the stored keys and the time, so every instance derives the same
/// states from the same rows: the active key is the newest generation whose activation time has come; a key stops
/// signing when a later one activates and retires <c>retention</c> (access-token lifetime + skew + refresh margin)
/// after that.
/// </summary>
internal static class SigningKeySchedule
{
    public static SigningKeyRecord? Active(IReadOnlyList<SigningKeyRecord> keys, DateTime now) =>
        keys.Where(k => k.RetiredAt is null && k.ActivatesAt <= now).MaxBy(k => k.Generation);

    /// <summary>When <paramref name="key"/> retires: its first successor's activation + retention; null while none is scheduled.</summary>
    public static DateTime? RetiresAt(IReadOnlyList<SigningKeyRecord> keys, SigningKeyRecord key, TimeSpan retention)
    {
        var successor = keys.Where(k => k.Generation > key.Generation).MinBy(k => k.ActivatesAt);
        return successor is null ? null : Max(successor.ActivatesAt, key.ActivatesAt) + retention;
    }

    public static SigningKeyState State(IReadOnlyList<SigningKeyRecord> keys, SigningKeyRecord key, DateTime now, TimeSpan retention)
    {
        if (key.RetiredAt is not null || RetiresAt(keys, key, retention) <= now)
        {
            return SigningKeyState.Retired;
        }

        if (key.ActivatesAt > now)
        {
            return SigningKeyState.Announced;
        }

        return Active(keys, now)?.KeyId == key.KeyId ? SigningKeyState.Active : SigningKeyState.Retiring;
    }

    /// <summary>The keys in <c>/.well-known/jwks.json</c>: announced, active and retiring.</summary>
    public static IEnumerable<SigningKeyRecord> Published(IReadOnlyList<SigningKeyRecord> keys, DateTime now, TimeSpan retention) =>
        keys.Where(k => State(keys, k, now, retention) != SigningKeyState.Retired);

    /// <summary>
    /// The keys a token may be signed with: active and retiring, plus an announced key within the clock skew of its
    /// activation (another instance's clock may run slightly ahead). Announced keys sign nothing yet, so they validate nothing.
    /// </summary>
    public static IEnumerable<SigningKeyRecord> Validating(IReadOnlyList<SigningKeyRecord> keys, DateTime now, TimeSpan retention,
        TimeSpan skew) =>
        Published(keys, now, retention).Where(k => k.ActivatesAt <= now + skew);

    /// <summary>
    /// Issue 7: the span around <paramref name="now"/> in which <see cref="Validating"/> gives the same keys — it changes
    /// only when a key comes within the skew of its activation or passes its retirement — so a caller can reuse one
    /// answer for every time in [<c>From</c>, <c>Until</c>).
    /// </summary>
    public static (DateTime From, DateTime Until) ValidatingWindow(IReadOnlyList<SigningKeyRecord> keys, DateTime now, TimeSpan retention,
        TimeSpan skew)
    {
        var from = DateTime.MinValue;
        var until = DateTime.MaxValue;
        foreach (var key in keys)
        {
            foreach (var boundary in (ReadOnlySpan<DateTime?>)[key.ActivatesAt - skew, RetiresAt(keys, key, retention)])
            {
                if (boundary is not { } at)
                {
                    continue;
                }

                if (at <= now)
                {
                    from = Max(from, at);
                }
                else if (at < until)
                {
                    until = at;
                }
            }
        }

        return (from, until);
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
