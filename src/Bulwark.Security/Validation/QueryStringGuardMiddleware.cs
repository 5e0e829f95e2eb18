using Bulwark.Security.Errors;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-1: deny-by-default for query strings. An endpoint accepts only the parameters its
/// <see cref="ListQueryMetadata"/> names, each at most once; anything else is a 400 naming the
/// parameter — so a mistyped filter is never silently ignored and HTTP parameter pollution
/// (<c>?sort=a&amp;sort=b</c>) has no meaning to exploit.
/// </summary>
internal sealed class QueryStringGuardMiddleware(RequestDelegate next)
{
    private const int MaxParameters = 20;

    public Task Invoke(HttpContext context)
    {
        if (!context.Request.QueryString.HasValue)
        {
            return next(context);
        }

        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return next(context); // unknown route → 404 further on
        }

        var allowed = endpoint.Metadata.GetMetadata<ListQueryMetadata>() ?? ListQueryMetadata.None;
        var errors = new ValidationErrors();
        var query = context.Request.Query;
        if (query.Count > MaxParameters)
        {
            errors.Add("$query", "maxItems", "has too many parameters");
        }
        else
        {
            foreach (var (key, values) in query)
            {
                var name = key.Length > 64 ? key[..64] : key;
                if (!allowed.Parameters.Contains(key))
                {
                    errors.Add(name, "unknownParameter", "is not a parameter of this endpoint");
                }
                else if (values.Count > 1)
                {
                    errors.Add(name, "duplicateParameter", "appears more than once");
                }
            }
        }

        // VAL-6/LOG-2: a refused query string is its own event type.
        return errors.HasErrors
            ? ProblemWriter.WriteValidationAsync(context, errors.ToList(), Audit.SecurityEventTypes.QueryRejected).AsTask()
            : next(context);
    }
}
