using Bulwark.Erp.Data;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: the chain status behind <c>GET /audit-events/chain</c>. A verification walks the whole
/// chain, so one runs at a time per instance (callers queue behind it) instead of letting a burst
/// of status requests scan the table in parallel.
/// </summary>
public sealed class AuditChainStatus(IServiceScopeFactory scopes, TimeProvider time,
    Bulwark.Security.Audit.ISecurityEvents events) : IDisposable
{
    private readonly SemaphoreSlim _single = new(1, 1);

    public async Task<AuditChainResponse> CheckAsync(Guid? tenantId, CancellationToken cancellationToken)
    {
        await _single.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenantId, cancellationToken);
            if (!result.IsValid)
            {
                ReportBroken(events, time, result);
            }

            var own = tenantId is not null && result.BrokenTenantId == tenantId;
            return new AuditChainResponse(result.IsValid, result.TenantCount, result.BrokenSequence,
                own ? result.BrokenEventId : null, result.Reason, time.GetUtcNow().UtcDateTime);
        }
        finally
        {
            _single.Release();
        }
    }

    public void Dispose() => _single.Dispose();

    /// <summary>LOG-3/LOG-6: a broken chain is a critical security event (log, audit store, alert webhook).</summary>
    public static Bulwark.Security.Audit.SecurityEvent ReportBroken(Bulwark.Security.Audit.ISecurityEvents events, TimeProvider time,
        AuditVerification result)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(time);
        var broken = new Bulwark.Security.Audit.SecurityEvent
        {
            Type = Bulwark.Security.Audit.SecurityEventTypes.AuditChainBroken,
            Outcome = Bulwark.Security.Audit.SecurityOutcome.Failure,
            Time = time.GetUtcNow(),
            ActorId = "system",
            Resource = "audit_events",
            Reason = $"sequence {result.BrokenSequence}: {result.Reason}",
        };
        events.Emit(broken);
        return broken;
    }
}
