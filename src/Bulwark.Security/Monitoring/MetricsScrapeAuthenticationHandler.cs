using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Security.Monitoring;

/// <summary>
/// LOG-6: authenticates the metrics scraper on <c>/metrics</c> only: <c>Authorization: Bearer &lt;ScrapeToken&gt;</c>,
/// compared in constant time over SHA-256 digests. A user's JWT or API key is not a scrape credential, and the scrape
/// token is accepted nowhere else (the default scheme sends only <c>/metrics</c> here). Failures are plain 401s, which
/// the BAN-1 auth-failure detector counts like any other.
/// </summary>
internal sealed class MetricsScrapeAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<MetricsOptions> metrics) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MetricsScrape";
    public const string PolicyName = "metrics:scrape";
    public const string ScopeClaim = "bulwark.scope";

    private readonly byte[]? _expected = metrics.Value.ScrapeToken is { } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        if (_expected is null || !CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid_scrape_token"));
        }

        var identity = new ClaimsIdentity([new Claim(ScopeClaim, "metrics")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
