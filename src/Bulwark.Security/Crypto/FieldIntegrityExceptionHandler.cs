using Bulwark.Security.Audit;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Security.Crypto;

/// <summary>
/// DATA-1: a stored value that fails authentication means the database was altered (or the wrong master
/// key is configured). The request ends in the generic 500 (ERR-2: no value, key or cipher text in the
/// body); the incident is a security event and a critical log line naming the field and key id.
/// </summary>
internal sealed partial class FieldIntegrityExceptionHandler(ISecurityEvents events, ILogger<FieldIntegrityExceptionHandler> logger)
    : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is FieldIntegrityException integrity)
            {
                LogIntegrityFailure(logger, integrity.Purpose, integrity.KeyId);
                events.Emit(httpContext, SecurityEventTypes.DataIntegrityFailed, SecurityOutcome.Failure,
                    reason: integrity.Purpose);
                break;
            }
        }

        return ValueTask.FromResult(false);   // the generic 500 answers
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Critical,
        Message = "DATA-1: a stored encrypted value of {Purpose} (key id {KeyId}) failed authentication: the database was altered or the master key is wrong")]
    private static partial void LogIntegrityFailure(ILogger logger, string purpose, int? keyId);
}
