using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Audit;

/// <summary>LOG-2: the one seam through which every control reports a security event.</summary>
public interface ISecurityEvents
{
    void Emit(SecurityEvent securityEvent);

    /// <summary>Emits an event filled from the request: actor, tenant, IP, user agent, path, trace id.</summary>
    void Emit(HttpContext context, string type, SecurityOutcome outcome, string? reason = null, string? actorId = null,
        string? tenantId = null);
}
