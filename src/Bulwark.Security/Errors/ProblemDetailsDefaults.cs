using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Errors;

/// <summary>ERR-1/ERR-2: fills type/title/instance/traceId and strips anything that could leak.</summary>
internal static class ProblemDetailsDefaults
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        problem.Title ??= ProblemTypes.TitleFor(status);
        if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
        {
            problem.Type = ProblemTypes.TypeFor(status);
        }

        if (problem.Title.StartsWith("An error occurred", StringComparison.Ordinal))
        {
            problem.Title = ProblemTypes.TitleFor(status);
        }

        if (status >= 500)
        {
            // ERR-2: nothing from the exception reaches the client.
            problem.Title = ProblemTypes.TitleFor(status);
            problem.Detail = status == 500
                ? "An unexpected error occurred. Quote the trace id when reporting it."
                : problem.Detail;
            problem.Extensions.Remove("exception");
        }

        problem.Instance = context.HttpContext.Request.Path.Value;
        problem.Extensions.Remove("requestId");
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
    }
}
