using Bulwark.Erp.Audit;
using Bulwark.Erp.Crypto;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Audit;

/// <summary>Reads the audit store of a test host directly (no API yet) and tampers with it in raw SQL.</summary>
internal static class AuditQueries
{
    /// <summary>
    /// The test's own view of the store, across tenants. On PostgreSQL the host connects as <c>bulwark_app</c> under
    /// row-level security and may not rewrite the audit (DATA-3, AZ-4), so the test reads and tampers as the
    /// superuser instead, through the same model, audit interceptor and field encryption.
    /// </summary>
    public static async Task<T> WithDbAsync<T>(BulwarkApiFactory api, Func<BulwarkDbContext, Task<T>> query)
    {
        using var scope = api.Services.CreateScope();
        if (api.Provider != TestProvider.Postgres)
        {
            return await query(scope.ServiceProvider.GetRequiredService<BulwarkDbContext>());
        }

        var services = scope.ServiceProvider;
        var builder = new DbContextOptionsBuilder<PostgresBulwarkDbContext>().UseNpgsql(api.Database.ConnectionString);
        builder.UseBulwarkAudit(services).UseBulwarkFieldEncryption(services);
        await using var db = new PostgresBulwarkDbContext(builder.Options);   // no tenant, system clock
        return await query(db);
    }

    /// <summary>Security events are stored by a background writer: poll until the event is there (15 s).</summary>
    public static async Task<AuditEvent> WaitForAsync(BulwarkApiFactory api, Func<IQueryable<AuditEvent>, IQueryable<AuditEvent>> filter)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var found = await WithDbAsync(api, db => filter(db.AuditEvents.AsNoTracking()).FirstOrDefaultAsync());
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the audit event was not stored within 15 s");
            await Task.Delay(100);
        }
    }

    public static Task<int> ExecuteAsync(BulwarkApiFactory api, string sql) =>
        WithDbAsync(api, db => db.Database.ExecuteSqlRawAsync(sql));

    public static Task<Guid> UserIdAsync(BulwarkApiFactory api, string email)
    {
        var normalized = email.ToUpperInvariant();
        return WithDbAsync(api, db => db.Users.IgnoreQueryFilters().Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).SingleAsync());
    }

    public static Task<Guid> TenantIdAsync(BulwarkApiFactory api, string slug) =>
        WithDbAsync(api, db => db.Tenants.Where(t => t.Slug == slug).Select(t => t.Id).SingleAsync());
}
