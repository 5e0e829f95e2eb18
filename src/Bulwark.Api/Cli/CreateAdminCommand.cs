using Bulwark.Erp.Data;
using Bulwark.Erp.Tenants;
using Bulwark.Erp.Users;
using Bulwark.Security.Authentication;
using Bulwark.Security.Validation;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Cli;

/// <summary>
/// <c>create-admin --tenant SLUG --email EMAIL [--name NAME]</c>: creates the first admin of a tenant (and the tenant
/// when it does not exist yet), so no deployment ever ships a default password. The password comes from the
/// environment variable <c>BULWARK_ADMIN_PASSWORD</c> or, when unset, the first line of stdin — never from the
/// command line, which other local users can read (<c>/proc/*/cmdline</c>, shell history). AUTH-1 rules apply.
/// </summary>
internal static class CreateAdminCommand
{
    public const string PasswordVariable = "BULWARK_ADMIN_PASSWORD";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is "--password" or "-p" || args[i].StartsWith("--password=", StringComparison.Ordinal))
            {
                await error.WriteLineAsync($"create-admin: a password on the command line is refused; set {PasswordVariable} or pipe it on stdin.");
                return 2;
            }

            if (args[i] is "--tenant" or "--email" or "--name" && i + 1 < args.Length)
            {
                options[args[i][2..]] = args[++i];
                continue;
            }

            await error.WriteLineAsync("create-admin: usage: create-admin --tenant SLUG --email EMAIL [--name NAME]");
            return 2;
        }

        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            password = await input.ReadLineAsync();
        }

        var errors = new ValidationErrors();
        errors.Code("tenant", options.GetValueOrDefault("tenant"), 64);
        errors.Email("email", options.GetValueOrDefault("email"));
        errors.PlainText("name", options.GetValueOrDefault("name"), 200, required: false);
        errors.NewPassword("password", password);
        if (errors.HasErrors)
        {
            foreach (var entry in errors.ToList())
            {
                await error.WriteLineAsync($"create-admin: {entry.Field} {string.Join(", ", entry.Constraints.Values)}");
            }

            return 2;
        }

        var slug = options["tenant"];
        var email = options["email"].Trim();
        var db = services.GetRequiredService<BulwarkDbContext>();
        var hash = services.GetRequiredService<PasswordHashing>().Hash(password!);
        var created = await services.GetRequiredService<UnitOfWork>().RunAsync(async ct =>
        {
            var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Slug == slug, ct);
            if (tenant is null)
            {
                tenant = new Tenant { Slug = slug, Name = slug, CreatedAt = DateTime.UtcNow };
                db.Add(tenant);
            }

            // AZ-4: the users table is under row-level security: work inside the named tenant.
            await services.GetRequiredService<Bulwark.Erp.Authorization.TenantScope>().EnterAsync(db, tenant.Id, ct);
            if (await db.Users.IgnoreQueryFilters().AnyAsync(
                    u => u.TenantId == tenant.Id && u.NormalizedEmail == User.Normalize(email), ct))
            {
                return false;
            }

            db.Add(new User
            {
                TenantId = tenant.Id,
                Email = email,
                NormalizedEmail = User.Normalize(email),
                DisplayName = options.GetValueOrDefault("name") ?? email,
                PasswordHash = hash,
                Roles = [Roles.Admin],
            });
            return true;
        }, CancellationToken.None);
        if (!created)
        {
            await error.WriteLineAsync("create-admin: a user with this email already exists in the tenant.");
            return 1;
        }

        await output.WriteLineAsync($"create-admin: admin {email} created in tenant {slug}");
        return 0;
    }
}
