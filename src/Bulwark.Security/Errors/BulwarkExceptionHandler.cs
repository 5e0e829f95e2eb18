using System.Text.Json;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Errors;

/// <summary>
/// ERR-1/ERR-2: maps every exception that escapes to problem+json. Known outcomes get their status;
/// everything else is a generic 500 whose body carries only the trace id — the full exception is
/// logged server-side under that trace id.
/// </summary>
internal sealed class BulwarkExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case RequestValidationException validation:
                await ProblemWriter.WriteValidationAsync(httpContext, validation.Errors);
                return true;

            case BadHttpRequestException { InnerException: JsonException json }:
                // VAL-1: unknown/duplicate property, wrong type, malformed JSON → 400 naming the field.
                await ProblemWriter.WriteValidationAsync(httpContext, [StrictJsonErrors.ToFieldError(json)]);
                return true;

            case BadHttpRequestException { StatusCode: 400 } bind when BindingFailure(bind.Message) is { } field:
                // VAL-6: a typed query/route value that does not parse names its parameter.
                await ProblemWriter.WriteValidationAsync(httpContext, [field]);
                return true;

            case BadHttpRequestException bad:
                // 400 (binding), 408, 413 (body over limit), 415, 431 — the message is not echoed (ERR-2).
                await ProblemWriter.WriteAsync(httpContext, bad.StatusCode, DetailFor(bad.StatusCode));
                return true;

            case JsonException json:
                await ProblemWriter.WriteValidationAsync(httpContext, [StrictJsonErrors.ToFieldError(json)]);
                return true;

            case BusinessRuleException rule:
                // A rule about one field (e.g. an id of another tenant in the body) names it like a validation error.
                await ProblemWriter.WriteAsync(httpContext, rule.Status, rule.Message, errors: rule.Field is null
                    ? null
                    : [new FieldError(rule.Field, new Dictionary<string, string> { ["businessRule"] = rule.Message })]);
                return true;

            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                // The client went away; nothing useful can be sent.
                return true;

            default:
                // Not ours: later handlers (e.g. the ERP's database mapping) get their turn; if none
                // takes it, the framework logs the full exception under the request's trace id and
                // writes a generic 500 through the problem details service (ERR-2).
                return false;
        }
    }

    /// <summary>
    /// Minimal APIs report <c>Failed to bind parameter "bool? active" from "x".</c> and
    /// <c>Required parameter "int n" was not provided from query string.</c>; only the parameter name
    /// (an API name, not a C# type) is kept.
    /// </summary>
    internal static FieldError? BindingFailure(string message)
    {
        var failed = message.StartsWith("Failed to bind parameter \"", StringComparison.Ordinal);
        var missing = message.StartsWith("Required parameter \"", StringComparison.Ordinal);
        if (!failed && !missing)
        {
            return null;
        }

        var start = message.IndexOf('"', StringComparison.Ordinal) + 1;
        var end = message.IndexOf('"', start);
        if (end <= start)
        {
            return null;
        }

        var declaration = message[start..end];
        var name = declaration[(declaration.LastIndexOf(' ') + 1)..];
        return new FieldError(name, new Dictionary<string, string>
        {
            [failed ? "type" : "required"] = failed ? "has the wrong type or format" : "is required",
        });
    }

    private static string? DetailFor(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "The request body must be application/json.",
        StatusCodes.Status400BadRequest => "The request could not be read.",
        _ => null,
    };
}
