using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Erp.Data;
using Bulwark.Security.Authorization;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Api.Tests.Infrastructure;

/// <summary>
/// Issue 7 (hot path): what a request builds per scope. The framework builds every authorization handler for every
/// request, anonymous ones included; before the fix that built the permission source, a DbContext and its options on
/// each request (most of what /health/live allocated). The permissions still load on a cache miss and still apply.
/// </summary>
public sealed class RequestScopeTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    [Fact, Trait("Control", "AZ-2")]
    public async Task AnonymousRequests_AndPermissionCacheHits_BuildNoPermissionSource_ButAMissStillLoadsIt()
    {
        var built = 0;
        await using var host = api.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            var original = services.Single(d => d.ServiceType == typeof(IPermissionSource));
            services.Remove(original);
            services.AddScoped<IPermissionSource>(sp =>
            {
                Interlocked.Increment(ref built);
                return (IPermissionSource)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
            });
        }));
        using var client = host.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var health = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var anonymous = await client.GetAsync("/api/v1/items");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        Assert.Equal(0, Volatile.Read(ref built));

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { tenant = "demo", email = "auditor@demo.example", password = BulwarkApiFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = JsonDocument.Parse(await login.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // The first authorized request loads the permissions (a miss), the next ones are cache hits.
        using (var first = await client.GetAsync("/api/v1/items"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var afterFirst = Volatile.Read(ref built);
        Assert.True(afterFirst >= 1, "the first authorized request must load the caller's permissions");
        for (var i = 0; i < 5; i++)
        {
            using var hit = await client.GetAsync("/api/v1/items");
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
            // The loaded permissions still decide: an auditor may not write.
            using var denied = await client.PostAsJsonAsync("/api/v1/items", new { sku = "RS-" + i, name = "x", unit = "pcs", unitCost = 1m });
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        Assert.Equal(afterFirst, Volatile.Read(ref built));
    }

    [Fact]
    public void DbContextOptions_AreBuiltOnce_NotPerRequestScope()
    {
        using var one = api.Services.CreateScope();
        using var two = api.Services.CreateScope();
        Assert.Same(one.ServiceProvider.GetRequiredService<DbContextOptions<SqliteBulwarkDbContext>>(),
            two.ServiceProvider.GetRequiredService<DbContextOptions<SqliteBulwarkDbContext>>());
        // Each scope still has its own context (its own tenant and change tracker).
        Assert.NotSame(one.ServiceProvider.GetRequiredService<BulwarkDbContext>(), two.ServiceProvider.GetRequiredService<BulwarkDbContext>());
    }

    [Fact]
    public void TheHostsLoggerFactory_GivesOneLoggerPerCategory()
    {
        // Issue 7: the framework's authentication handlers are made per request and each asks the factory for a logger;
        // Serilog's factory alone builds a new one every time.
        var factory = api.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();
        var category = typeof(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler).FullName!;

        Assert.Same(factory.CreateLogger(category), factory.CreateLogger(category));
    }
}
