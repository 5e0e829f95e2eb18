using Bulwark.Erp.Data;
using Bulwark.Erp.Inventory;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using System.Text.Json.Serialization;

// The bare baseline of bench/run.sh: the product's own list query (ItemService.ListAsync over the same SQLite file,
// tenant query filter included, source-generated JSON) behind a minimal endpoint, with none of Bulwark's
// middleware: no ban check, rate limiting, headers, CORS, authentication, authorization, validation or audit.
// Every secured figure in bench/RESULTS.md is a ratio to this endpoint measured in the same run.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var database = builder.Configuration["Database"] ?? throw new InvalidOperationException("--Database <sqlite file> is required");
var tenant = Guid.Parse(builder.Configuration["Tenant"] ?? throw new InvalidOperationException("--Tenant <guid> is required"));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ICurrentTenant>(new FixedTenant(tenant));
builder.Services.AddDbContext<BulwarkDbContext, SqliteBulwarkDbContext>(options =>
    options.UseSqlite($"Data Source={database};Mode=ReadOnly;Pooling=True"));
builder.Services.AddSingleton(new WriteGate(new DatabaseOptions()));
builder.Services.AddScoped<UnitOfWork>();
builder.Services.AddSingleton<RichTextSanitizer>();
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

internal sealed class FixedTenant(Guid tenant) : ICurrentTenant
{
    public Guid? TenantId => tenant;
}

/// <summary>Source-generated JSON, like the product's (Web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ItemResponse))]
[JsonSerializable(typeof(PagedResult<ItemResponse>))]
internal sealed partial class BareJsonContext : JsonSerializerContext;
