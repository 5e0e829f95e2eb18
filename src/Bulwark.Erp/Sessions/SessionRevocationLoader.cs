using Bulwark.Erp.Data;
using Bulwark.Security.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Sessions;

/// <summary>
/// AUTH-6: at start, before the server accepts requests, loads every revoked session whose access
/// tokens could still be valid into <see cref="ISessionRevocations"/>, so a restart forgets no revocation.
/// </summary>
internal sealed partial class SessionRevocationLoader(IServiceScopeFactory scopes, ISessionRevocations revocations,
    IOptions<JwtOptions> jwtOptions, TimeProvider time, ILogger<SessionRevocationLoader> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retry = Task.CompletedTask;
    private int _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // AUTH-6: database unreachable at start → revocations made before this start are loaded as soon
            // as it answers (retried below). Meanwhile every authenticated endpoint needs that same database,
            // so a token of a session revoked before the restart cannot reach any data in the gap.
            LogLoadFailed(logger, exception);
            _retry = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may be stopped more than once (and after disposal, e.g. by WebApplicationFactory): only the first stop acts.
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _retry.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _stopped, 1);
        _stopping.Dispose();
    }

    private async Task RetryAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryDelay, time, stopping);
                await LoadAsync(stopping);
                LogLoadedLate(logger);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogLoadFailed(logger, exception);
            }
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        var sessions = scope.ServiceProvider.GetRequiredService<SessionService>();
        var jwt = jwtOptions.Value;
        var horizon = time.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(jwt.AccessTokenMinutes) - TimeSpan.FromSeconds(jwt.ClockSkewSeconds);
        // Cross-tenant by design: the revoked set covers every tenant. On PostgreSQL row-level security hides other
        // tenants' sessions from the application role, so a SECURITY DEFINER function hands over ids and expiry only.
        var revoked = db is PostgresBulwarkDbContext
            ? await db.Database.SqlQuery<RevokedRow>($"SELECT * FROM bulwark_revoked_sessions({horizon})").ToListAsync(cancellationToken)
            : await db.Sessions.IgnoreQueryFilters().AsNoTracking()
                .Where(s => s.RevokedAt != null && s.AbsoluteExpiresAt > horizon)
                .Select(s => new RevokedRow { Id = s.Id, AbsoluteExpiresAt = s.AbsoluteExpiresAt })
                .ToListAsync(cancellationToken);
        revocations.Load(revoked.Select(r => sessions.ToRevoked(r.Id, r.AbsoluteExpiresAt)));
    }

    internal sealed class RevokedRow
    {
        public Guid Id { get; init; }

        public DateTime AbsoluteExpiresAt { get; init; }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "Could not load revoked sessions from the database; retrying")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Revoked sessions loaded after a database outage at start")]
    private static partial void LogLoadedLate(ILogger logger);
}
