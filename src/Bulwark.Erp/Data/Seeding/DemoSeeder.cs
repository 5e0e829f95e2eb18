using Bulwark.Erp.Employees;
using Bulwark.Erp.Inventory;
using Bulwark.Erp.Tenants;
using Bulwark.Erp.Users;
using Bulwark.Security.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Erp.Data.Seeding;

/// <summary>
/// Development only: tenants <c>demo</c> and <c>rival</c>, one user per role in each
/// (<c>admin@demo.example</c> … <c>auditor@rival.example</c>) with the password from
/// <c>BULWARK_DEMO_PASSWORD</c>, and sample records in every resource. Refuses to run elsewhere.
/// </summary>
public sealed partial class DemoSeeder(
    BulwarkDbContext db,
    WriteGate gate,
    PasswordHashing passwords,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<DemoSeeder> logger)
{
    public const string PasswordVariable = "BULWARK_DEMO_PASSWORD";
    public const string DefaultPassword = "Bulwark-Demo-2026!";
    public static readonly IReadOnlyList<string> TenantSlugs = ["demo", "rival"];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException("The demo seed exists only in the Development environment.");
        }

        using var _ = await gate.EnterAsync(cancellationToken);
        if (await db.Tenants.AnyAsync(t => t.Slug == TenantSlugs[0], cancellationToken))
        {
            return;
        }

        var password = configuration[PasswordVariable];
        password = string.IsNullOrEmpty(password) ? DefaultPassword : password;
        // One hash for every demo user keeps the first start fast; each still verifies normally.
        var hash = passwords.Hash(password);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var slug in TenantSlugs)
        {
            var tenant = new Tenant { Slug = slug, Name = slug == "demo" ? "Demo Manufacturing Ltd" : "Rival Trading plc", CreatedAt = DateTime.UtcNow };
            db.Tenants.Add(tenant);
            foreach (var role in Roles.All)
            {
                var email = $"{role}@{slug}.example";
                db.Users.Add(new User
                {
                    TenantId = tenant.Id,
                    Email = email,
                    NormalizedEmail = User.Normalize(email),
                    DisplayName = $"{char.ToUpperInvariant(role[0])}{role[1..]} ({slug})",
                    PasswordHash = hash,
                    Roles = [role],
                });
            }

            InventorySeed.Seed(db, tenant);
            Ledger.LedgerSeed.Seed(db, tenant);
            EmployeeSeed.Seed(db, tenant);   // also links the manager@ / employee@ users to their records
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogSeeded(logger, TenantSlugs.Count);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Seeded the Development demo data ({TenantCount} tenants)")]
    private static partial void LogSeeded(ILogger logger, int tenantCount);
}
