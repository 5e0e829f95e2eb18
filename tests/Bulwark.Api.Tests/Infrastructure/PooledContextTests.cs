using Bulwark.Erp.Data;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Infrastructure;

/// <summary>
/// Issue 7 / AZ-4: request scopes lease their context from EF Core's pool. Each lease is bound to the leasing scope's
/// tenant before any query, and a returned context keeps none. On PostgreSQL (as the application role) the same
/// binding is what row-level security sees on the context's connections.
/// </summary>
public abstract class PooledContextTests(BulwarkApiFactory api)
{
    [Fact, Trait("Control", "AZ-4")]
    public async Task PooledContexts_AreBoundToEachScopesTenant_AndReturnedOnesKeepNone()
    {
        await using var host = api.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.AddScoped<ICurrentTenant, SettableTenant>()));
        Dictionary<string, Guid> tenants;
        using (var scope = host.Services.CreateScope())
        {
            tenants = await scope.ServiceProvider.GetRequiredService<BulwarkDbContext>().Tenants
                .Where(t => t.Slug == "demo" || t.Slug == "rival").ToDictionaryAsync(t => t.Slug, t => t.Id);
        }

        // Sequential scopes recycle the pool's few instances: each lease must see its own scope's tenant only.
        string?[] order = ["demo", "rival", null, "rival", "demo", null];
        for (var round = 0; round < 4; round++)
        {
            foreach (var slug in order)
            {
                BulwarkDbContext db;
                using (var scope = host.Services.CreateScope())
                {
                    ((SettableTenant)scope.ServiceProvider.GetRequiredService<ICurrentTenant>()).TenantId = slug is null ? null : tenants[slug];
                    db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
                    var users = await db.Users.Select(u => u.TenantId).ToListAsync();
                    if (slug is null)
                    {
                        Assert.Empty(users);
                    }
                    else
                    {
                        Assert.NotEmpty(users);
                        Assert.All(users, t => Assert.Equal(tenants[slug], t));
                    }
                }

                Assert.Null(db.CurrentTenantId);   // returned to the pool: no tenant left on it
            }
        }
    }

    private sealed class SettableTenant : ICurrentTenant
    {
        public Guid? TenantId { get; set; }
    }
}

public sealed class PooledContextSqliteTests(SqliteApiFactory api) : PooledContextTests(api), IClassFixture<SqliteApiFactory>;

public sealed class PooledContextPostgresTests(PostgresApiFactory api) : PooledContextTests(api), IClassFixture<PostgresApiFactory>;
