namespace Bulwark.Security.Audit;

/// <summary>
/// LOG-3: where <see cref="ISecurityEvents"/> hands each event after writing its log line, so it also
/// lands in the tamper-evident audit store. Bulwark.Security knows no store; the host registers one
/// (the ERP registers a bounded background writer). Zero sinks: log lines only.
/// </summary>
public interface IAuditSink
{
    /// <summary>
    /// Accepts one event. Called on the request path: must return at once and never throw (a
    /// rejected request must not become slow or fail because the store is busy or down).
    /// </summary>
    void Write(SecurityEvent securityEvent);
}

/// <summary>
/// A sink that must see every event, repeated ones included (LOG-6 metrics count each refused request), where the
/// log and the audit store get repeated floods coalesced (<see cref="RepeatedEventCoalescer"/>).
/// </summary>
public interface ICountingAuditSink : IAuditSink;
