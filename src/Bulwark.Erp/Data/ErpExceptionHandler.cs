using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bulwark.Erp.Data;

/// <summary>
/// DATA-6/ERR-2: database outcomes that are the client's business become 409 problem+json without
/// a word of SQL; everything else falls through to the generic 500.
/// </summary>
internal sealed class ErpExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case DbUpdateConcurrencyException:
                // DATA-6: someone else changed the row since the client read it.
                await ProblemWriter.WriteAsync(httpContext, StatusCodes.Status409Conflict,
                    "The record was changed by someone else. Reload it and try again.");
                return true;
            case DbUpdateException { InnerException: SqliteException { SqliteExtendedErrorCode: 2067 or 1555 } }:
            case DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } }:
                await ProblemWriter.WriteAsync(httpContext, StatusCodes.Status409Conflict,
                    "A record with the same unique value already exists.");
                return true;
            default:
                return false;
        }
    }
}
