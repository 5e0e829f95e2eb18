using Bulwark.Erp.Data;
using Bulwark.Erp.Inventory;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using System.Text.Json.Serialization;

// The bare baseline of bench/run.sh: the product's own list query (ItemService.ListAsync over the same database,
// tenant query filter included, source-generated JSON) behind a minimal endpoint, with none of Bulwark's
// middleware: no ban check, rate limiting, headers, CORS, authentication, authorization, validation or audit.
// Every secured figure in bench/RESULTS.md is a ratio to this endpoint measured in the same run.
//   --Database <sqlite file>        the embedded mode's baseline (read-only);
//   --Postgres <connection string>  the scaled mode's baseline on the same PostgreSQL database (as the schema owner,
//                                   whose policy sees every row: no row-level security, no tenant setting per connection).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var sqlite = builder.Configuration["Database"];
var postgres = builder.Configuration["Postgres"];
if (sqlite is null == postgres is null)
{
    throw new InvalidOperationException("one of --Database <sqlite file> or --Postgres <connection string> is required");
}

var tenant = Guid.Parse(builder.Configuration["Tenant"] ?? throw new InvalidOperationException("--Tenant <guid> is required"));

builder.Services.AddSingleton(TimeProvider.System);
var fixedTenant = new FixedTenant(tenant);
// Pooled contexts bound to the tenant on every lease, as the product leases them (ErpServiceCollectionExtensions).
if (postgres is not null)
{
    builder.Services.AddPooledDbContextFactory<PostgresBulwarkDbContext>(options => options.UseNpgsql(postgres));
    builder.Services.AddScoped<BulwarkDbContext>(Lease<PostgresBulwarkDbContext>);
}
else
{
    SqliteEngine.Configure();   // the product's process-wide SQLite settings (fairness, as auto-prepare above)
    builder.Services.AddPooledDbContextFactory<SqliteBulwarkDbContext>(options =>
        options.UseSqlite($"Data Source={sqlite};Mode=ReadOnly;Pooling=True"));
    builder.Services.AddScoped<BulwarkDbContext>(Lease<SqliteBulwarkDbContext>);
}

builder.Services.AddSingleton(new WriteGate(new DatabaseOptions()));
builder.Services.AddScoped<UnitOfWork>();
builder.Services.AddSingleton<RichTextSanitizer>();
// The product's list-count reuse (issue 7) with its default lifetime: no write reaches this read-only endpoint.
builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new DatabaseOptions()));
builder.Services.AddSingleton<ListCountCache>();
builder.Services.AddScoped<ItemService>();
builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default));

var app = builder.Build();
var defaultSort = ItemService.Sort.Names[0];
app.MapGet("/items", async (int? page, int? pageSize, ItemService items, CancellationToken cancellationToken) =>
    TypedResults.Ok(await items.ListAsync(new PageQuery(page ?? 1, Math.Clamp(pageSize ?? 50, 1, 100), defaultSort, false),
        null, null, cancellationToken)));
app.MapGet("/items/{id:guid}", async (Guid id, ItemService items, CancellationToken cancellationToken) =>
    await items.FindAsync(id, cancellationToken) is { } item ? Results.Ok(item) : Results.NotFound());
app.Run();

BulwarkDbContext Lease<TContext>(IServiceProvider services)
    where TContext : BulwarkDbContext
{
    var db = services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext();
    db.Bind(fixedTenant, TimeProvider.System);
    return db;
}

internal sealed class FixedTenant(Guid tenant) : ICurrentTenant
{
    public Guid? TenantId => tenant;
}

/// <summary>Source-generated JSON, like the product's (Web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ItemResponse))]
[JsonSerializable(typeof(PagedResult<ItemResponse>))]
internal sealed partial class BareJsonContext : JsonSerializerContext;
