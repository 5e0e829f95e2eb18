using Bulwark.Erp.Data;
using Bulwark.Security.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Sessions;

/// <summary>
/// AUTH-6: at start, before the server accepts requests, loads every revoked session whose access
/// tokens could still be valid into <see cref="ISessionRevocations"/>, so a restart forgets no revocation.
/// A database that cannot be read stops the start (fail closed).
/// </summary>
internal sealed class SessionRevocationLoader(IServiceScopeFactory scopes, ISessionRevocations revocations,
    IOptions<JwtOptions> jwtOptions, TimeProvider time) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        var sessions = scope.ServiceProvider.GetRequiredService<SessionService>();
        var jwt = jwtOptions.Value;
        var horizon = time.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(jwt.AccessTokenMinutes) - TimeSpan.FromSeconds(jwt.ClockSkewSeconds);
        // Cross-tenant by design: the revoked set covers every tenant.
        var revoked = await db.Set<Session>().IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.RevokedAt != null && s.AbsoluteExpiresAt > horizon)
            .ToListAsync(cancellationToken);
        revocations.Load(revoked.Select(sessions.ToRevoked));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
