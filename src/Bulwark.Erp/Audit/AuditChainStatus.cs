using Bulwark.Erp.Data;

namespace Bulwark.Erp.Audit;

/// <summary>
/// LOG-3: the chain status behind <c>GET /audit-events/chain</c>. A verification walks the whole
/// chain, so one runs at a time per instance (callers queue behind it) instead of letting a burst
/// of status requests scan the table in parallel.
/// </summary>
public sealed class AuditChainStatus(IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _single = new(1, 1);

    public async Task<AuditChainResponse> CheckAsync(Guid? tenantId, CancellationToken cancellationToken)
    {
        await _single.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenantId, cancellationToken);
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
}
