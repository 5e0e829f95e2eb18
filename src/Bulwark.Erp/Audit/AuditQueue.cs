using System.Threading.Channels;
using Bulwark.Security.Audit;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: the bounded hand-off between the request path and <see cref="AuditWriter"/> for security
/// events that record no state change (login failures, rejected tokens, validation failures).
/// Why not write them synchronously: they happen on rejected requests, which an attacker produces at
/// will; a synchronous write would put a database transaction (on SQLite, the single-writer gate)
/// behind every rejection and let a flood of bad requests slow down or fail legitimate writes. So the
/// request only enqueues (O(1), never blocks, never throws) and a background writer stores batches.
/// When the queue is full the event is dropped from the store and counted; its log line is written
/// anyway by <see cref="ISecurityEvents"/>. State changes do not come this way: their audit event is
/// written in the change's own transaction (<see cref="AuditSaveChangesInterceptor"/>, fail closed).
/// </summary>
internal sealed class AuditQueue : IAuditSink
{
    /// <summary>Events held in memory at most (a few MB) before new ones are dropped from the store.</summary>
    public const int Capacity = 10_000;

    private readonly Channel<SecurityEvent> _channel = Channel.CreateBounded<SecurityEvent>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,   // with TryWrite: refuse (and count) instead of blocking
        SingleReader = true,
    });

    private long _dropped;

    public ChannelReader<SecurityEvent> Reader => _channel.Reader;

    public void Write(SecurityEvent securityEvent)
    {
        if (!_channel.Writer.TryWrite(securityEvent))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Events dropped since the last call.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);

    public void Complete() => _channel.Writer.TryComplete();
}
