using Microsoft.AspNetCore.Http;

namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-2: runs <see cref="IValidatableRequest.Validate"/> on every bound argument that declares
/// constraints, before the handler. Installed only on endpoints that have such a parameter, so
/// other endpoints pay nothing.
/// </summary>
internal static class ValidationEndpointFilter
{
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var indexes = context.MethodInfo.GetParameters()
            .Where(p => typeof(IValidatableRequest).IsAssignableFrom(p.ParameterType))
            .Select(p => p.Position)
            .ToArray();
        if (indexes.Length == 0)
        {
            return next;
        }

        return invocation =>
        {
            var errors = new ValidationErrors();
            foreach (var index in indexes)
            {
                if (invocation.Arguments[index] is IValidatableRequest request)
                {
                    request.Validate(errors);
                }
            }

            // VAL-1: the handler never sees an invalid request; the exception handler renders 400.
            errors.ThrowIfAny();
            return next(invocation);
        };
    }
}
