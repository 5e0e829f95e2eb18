namespace Bulwark.Security.Errors;

/// <summary>ERR-1: stable problem "type" URIs and titles, one per status family Bulwark emits.</summary>
public static class ProblemTypes
{
    private const string Base = "https://bulwark.dev/problems/";

    public const string ValidationTitle = "Validation Error";

    public static string TypeFor(int status) => status switch
    {
        400 => Base + "bad-request",
        401 => Base + "unauthorized",
        403 => Base + "forbidden",
        404 => Base + "not-found",
        405 => Base + "method-not-allowed",
        408 => Base + "request-timeout",
        409 => Base + "conflict",
        410 => Base + "gone",
        413 => Base + "payload-too-large",
        415 => Base + "unsupported-media-type",
        422 => Base + "unprocessable",
        429 => Base + "too-many-requests",
        431 => Base + "header-fields-too-large",
        503 => Base + "unavailable",
        _ when status >= 500 => Base + "server-error",
        _ => Base + "error",
    };

    public static string TitleFor(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ when status >= 500 => "Internal Server Error",
        _ => "Error",
    };

    public const string ValidationType = Base + "validation";
}
