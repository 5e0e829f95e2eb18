using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bulwark.Erp.Data;

/// <summary>Result helpers shared by the feature endpoints.</summary>
public static class EndpointResults
{
    /// <summary>
    /// 200 with the value, or 404. AZ-4: services read through the tenant query filter, so another
    /// tenant's record arrives here as null and is indistinguishable from a missing one.
    /// </summary>
    public static Results<Ok<T>, NotFound> OkOrNotFound<T>(T? value)
        where T : class =>
        value is null ? TypedResults.NotFound() : TypedResults.Ok(value);
}
