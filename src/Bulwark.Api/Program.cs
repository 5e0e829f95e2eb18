using Bulwark.Api;
using Bulwark.Api.Cli;
using Bulwark.Erp.ApiKeys;
using Bulwark.Erp.Audit;
using Bulwark.Erp.Bans;
using Bulwark.Erp.Data;
using Bulwark.Erp.Employees;
using Bulwark.Erp.Inventory;
using Bulwark.Erp.Ledger;
using Bulwark.Erp.Mfa;
using Bulwark.Erp.Sessions;
using Bulwark.Erp.Tenants;
using Bulwark.Erp.Users;
using Bulwark.Security.Hosting;
using Bulwark.Security.Monitoring;
using Bulwark.Security.Validation;
using Bulwark.Security.Versioning;

var builder = WebApplication.CreateBuilder(args);

builder.AddBulwarkSecurity();   // Kestrel limits, logging, problem details, strict JSON, headers, CORS, JWT, deny-by-default
builder.AddBulwarkErp();        // DbContext (SQLite | PostgreSQL), single-writer gate, feature services
builder.AddBulwarkApiDocs();    // OPS-3: OpenAPI document with security scheme and problem responses

var app = builder.Build();

if (CommandLine.IsVerb(args))
{
    // Disposing the host flushes the background log writer (Serilog.Sinks.Async): a verb's last log lines (LOG-2/LOG-6
    // events such as audit.chain.broken) are written before the process exits.
    await using (app)
    {
        return await CommandLine.RunAsync(app, args);
    }
}

await app.InitializeDatabaseAsync();

app.UseBulwarkSecurity();       // request path of DESIGN.md, in order

app.MapHealth();                // OPS-1: /health/live (anonymous, no details), /health/ready
app.MapJwks();                  // AUTH-4: /.well-known/jwks.json
app.MapBulwarkMetrics();        // LOG-6: /metrics (Prometheus), for the scrape token only
app.MapBulwarkApiDocs();        // OPS-3: /openapi/v1.json

var api = app.MapGroup("/api/v1").WithApiVersion("v1").WithRequestValidation().WithProblemResponses();
api.MapAuth();
api.MapPasswordChange();   // AUTH-1/AUTH-6/AUTH-11: POST /auth/password
api.MapSessions();         // AUTH-11: GET /auth/sessions, DELETE /auth/sessions/{id}
api.MapMfa();              // AUTH-8: /auth/login/mfa (second step), /auth/mfa (enroll, confirm, disable), PUT /tenants/current/mfa
api.MapApiKeys();          // AUTH-9: /api-keys (create once-shown keys, list, revoke)
api.MapTenants();
api.MapUsers();
api.MapUserLockout();   // AUTH-3: POST /users/{id}/unlock
api.MapItems();
api.MapAccounts();
api.MapJournalEntries();
api.MapLedger();
api.MapEmployees();
api.MapWarehouses();
api.MapStockLevels();
api.MapStockMovements();
api.MapAuditEvents();
api.MapBans();                  // BAN-1: list, inspect, lift bans (admin)

app.Run();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
