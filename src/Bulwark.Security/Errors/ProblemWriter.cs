using Bulwark.Security.Audit;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Security.Errors;

/// <summary>ERR-1: the single place that turns an outcome into problem+json.</summary>
public static class ProblemWriter
{
    public static ValueTask WriteAsync(HttpContext context, int status, string? detail = null,
        Exception? exception = null, IReadOnlyList<FieldError>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Detail = detail };
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        return service.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = problem,
        });
    }

    /// <summary>VAL-1/ERR-1: 400 "Validation Error" listing each field and its violated constraints.</summary>
    /// <remarks>The security event is <see cref="SecurityEventTypes.ValidationFailed"/>, or the given type
    /// (<see cref="SecurityEventTypes.QueryRejected"/> for a refused query string).</remarks>
    public static ValueTask WriteValidationAsync(HttpContext context, IReadOnlyList<FieldError> errors,
        string eventType = SecurityEventTypes.ValidationFailed)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(errors);
        var events = context.RequestServices.GetRequiredService<ISecurityEvents>();
        // LOG-2: validation failures are security events (field names only, never values).
        events.Emit(context, eventType, SecurityOutcome.Failure,
            reason: string.Join(',', errors.Select(e => e.Field)));

        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = ProblemTypes.ValidationTitle,
            Type = ProblemTypes.ValidationType,
            Detail = "One or more fields are invalid.",
        };
        problem.Extensions["errors"] = errors;
        return service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
