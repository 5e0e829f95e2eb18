using Bulwark.Security.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Polly;

namespace Bulwark.Security.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// LOG-6: security metrics (OpenTelemetry, Prometheus exporter) and the alert webhook for critical events, both fed
    /// by the security-event seam.
    /// </summary>
    public static IServiceCollection AddBulwarkMonitoring(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.WebhookUrl is null || (o.WebhookUrl.IsAbsoluteUri
                    && (o.WebhookUrl.Scheme == Uri.UriSchemeHttps || (o.WebhookUrl.Scheme == Uri.UriSchemeHttp && o.WebhookUrl.IsLoopback))),
                $"{AlertOptions.SectionName}:WebhookUrl must be an absolute https:// URL (http:// only to a loopback address).")
            .ValidateOnStart();

        services.TryAddSingleton<SecurityMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, SecurityMetrics>(sp => sp.GetRequiredService<SecurityMetrics>()));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(SecurityMetrics.MeterName).AddPrometheusExporter());

        services.TryAddSingleton<AlertWebhook>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, AlertWebhook>(sp => sp.GetRequiredService<AlertWebhook>()));
        services.AddHostedService(sp => sp.GetRequiredService<AlertWebhook>());
        services.AddHttpClient(AlertWebhook.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("alerts", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<AlertOptions>>().Value;
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxAttempts - 1 is var retries && retries > 0 ? retries : 0,
                    BackoffType = Polly.DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryDelay,
                });
                pipeline.AddTimeout(options.AttemptTimeout);
            });

        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, MetricsScrapeAuthenticationHandler>(
            MetricsScrapeAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(MetricsScrapeAuthenticationHandler.PolicyName, policy => policy
            .AddAuthenticationSchemes(MetricsScrapeAuthenticationHandler.SchemeName)
            .RequireClaim(MetricsScrapeAuthenticationHandler.ScopeClaim, "metrics"));
        return services;
    }

    /// <summary>True for the path the scrape scheme (not the user schemes) authenticates.</summary>
    public static bool IsMetricsRequest(HttpRequest request) => request.Path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>LOG-6: <c>/metrics</c> (Prometheus text format), for the scrape token only; not served without one.</summary>
    public static IEndpointRouteBuilder MapBulwarkMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.ScrapeToken is not null)
        {
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(MetricsScrapeAuthenticationHandler.PolicyName);
        }

        return endpoints;
    }
}
