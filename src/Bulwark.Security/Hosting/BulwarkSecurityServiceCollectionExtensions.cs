using Bulwark.Security.Audit;
using Bulwark.Security.Authorization;
using Bulwark.Security.Authentication;
using Bulwark.Security.Crypto;
using Bulwark.Security.Bans;
using Bulwark.Security.Errors;
using Bulwark.Security.Headers;
using Bulwark.Security.Monitoring;
using Bulwark.Security.RateLimiting;
using Bulwark.Security.State;
using Bulwark.Security.Transport;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Bulwark.Security.Hosting;

public static class BulwarkSecurityServiceCollectionExtensions
{
    /// <summary>
    /// Registers every hardening family with its checklist defaults: Kestrel limits, JSON logging,
    /// problem details, strict JSON, headers, CORS, compression policy, JWT bearer authentication and a
    /// deny-by-default authorization fallback. Pair with <see cref="BulwarkSecurityApplicationBuilderExtensions.UseBulwarkSecurity"/>.
    /// </summary>
    public static WebApplicationBuilder AddBulwarkSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.TryAddSingleton(TimeProvider.System);
        SecretFiles.AddTo(configuration);   // DATA-5: settings from mounted secret files
        var dataDirectory = new BulwarkDataDirectory(BulwarkDataDirectory.Resolve(
            configuration[BulwarkDataDirectory.EnvironmentVariable], builder.Environment.ContentRootPath));
        services.TryAddSingleton(dataDirectory);

        // Transport: Kestrel limits (VAL-5, slow clients), no Server header (ERR-3).
        services.AddOptions<TransportOptions>().BindConfiguration(TransportOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, KestrelSetup>());
        // TLS-2: X-Forwarded-* believed only from configured proxies.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TransportOptions>, TrustedProxiesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>, ForwardedHeadersSetup>());
        // TLS-1: HTTPS from PEM files (reloaded), TLS 1.2/1.3, strong suites; plain HTTP only when explicitly allowed.
        services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>());
        services.TryAddSingleton<TlsCertificateSource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, TlsSetup>());

        // LOG-1/LOG-5: one JSON line per event on stdout (and a file, Seq, OTLP when configured).
        services.AddSerilog((sp, logger) =>
        {
            var stdout = new StdoutLogWriter(new RenderedCompactJsonFormatter());
            logger.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                .MinimumLevel.Override("StackExchange.Redis", LogEventLevel.Warning) // connection failures, not every handshake step
                .ReadFrom.Configuration(configuration)
                .Enrich.FromLogContext()
                .Enrich.With<LogRedactionEnricher>()   // LOG-4: last enricher, so every sink gets redacted events
                // Issue 7: one background worker formats and writes the lines, so a request never waits on stdout or the
                // file; a full buffer (2,000 lines, a few MB at most) blocks the writer instead of dropping lines (LOG-2/BAN-2).
                // Stdout gets the lines in batches: one write when the worker's queue runs empty (StdoutLogWriter).
                .WriteTo.Async(sinks =>
                {
                    sinks.Sink(stdout);
                    var file = configuration["Bulwark:Logging:FilePath"];
                    if (!string.IsNullOrWhiteSpace(file))
                    {
                        sinks.File(new RenderedCompactJsonFormatter(), file, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 90);
                    }
                }, bufferSize: 2_000, blockWhenFull: true, monitor: stdout);

            LogSinks.AddOptional(logger, configuration);   // LOG-5: Seq, OTLP (the redaction enricher runs before them too)
        }, preserveStaticLogger: true); // a host owns its logger: disposing one host never silences another in the same process
        CategoryLoggerCache.Decorate(services);   // issue 7: one logger per category, not one per transient handler
        services.TryAddSingleton<ISecurityEvents, LoggingSecurityEvents>();

        // ERR-1/ERR-2: one problem+json shape for everything.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        services.AddExceptionHandler<BulwarkExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        // VAL-1: strict JSON binding.
        services.Configure<JsonOptions>(o => StrictJsonSetup.Apply(o.SerializerOptions));

        // HDR-1..4.
        services.AddOptions<SecurityHeadersOptions>().BindConfiguration(SecurityHeadersOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var origins = CorsSetup.ReadOrigins(configuration);
        services.AddCors(o => CorsSetup.Configure(o, origins));
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true; // HDR-4: safe because only opted-in, secret-free endpoints compress.
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
        });
        services.Replace(ServiceDescriptor.Singleton<IResponseCompressionProvider, ThresholdCompressionProvider>());

        // AUTH-4/AUTH-10: ES256 JWT bearer, pinned.
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<SigningKeyStore>();
        // AUTH-4: key lifecycle (announce → active → retiring → retired), refreshed from the shared store.
        services.AddOptions<SigningKeyOptions>().BindConfiguration(SigningKeyOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.AnnounceLead >= 2 * o.RefreshInterval,
                $"{SigningKeyOptions.SectionName}:AnnounceLead must be at least twice {SigningKeyOptions.SectionName}:RefreshInterval.")
            .Validate(o => o.AnnounceLead < o.RotationInterval,
                $"{SigningKeyOptions.SectionName}:AnnounceLead must be shorter than {SigningKeyOptions.SectionName}:RotationInterval.")
            .ValidateOnStart();
        services.AddHostedService<SigningKeyRefresher>();
        services.TryAddSingleton<AccessTokenIssuer>();
        services.TryAddSingleton<PasswordHashing>();
        // AUTH-3: account lockout limits.
        services.AddOptions<LockoutOptions>().BindConfiguration(LockoutOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Validation.RichTextSanitizer>();
        services.TryAddSingleton(sp => new VerifiedSignatureCache(() => sp.GetRequiredService<SigningKeyStore>().ValidationKeys,
            sp.GetRequiredService<TimeProvider>()));   // AUTH-4: one verification per token and instance
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>());

        // AUTH-5/AUTH-6: session lifetimes, refresh-token sealing, the revoked-session set.
        services.AddOptions<SessionLifetimeOptions>().BindConfiguration(SessionLifetimeOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.IdleTimeout <= o.AbsoluteLifetime,
                $"{SessionLifetimeOptions.SectionName}:IdleTimeout must not exceed {SessionLifetimeOptions.SectionName}:AbsoluteLifetime.")
            .ValidateOnStart();
        // LOG-6: metrics and alerts, fed by the security-event seam.
        services.AddBulwarkMonitoring();
        // AUTH-4/DATA-5: the Data Protection key ring, encrypted under the master key, shared through the database in
        // the scaled mode (SharedKeyRing), in the data folder otherwise.
        services.AddBulwarkKeyRing(dataDirectory);
        services.TryAddSingleton<RefreshTokenCodec>();
        services.TryAddSingleton<ISessionRevocations, InMemorySessionRevocations>();
        // AUTH-8: second factor policy.
        services.AddOptions<MfaOptions>().BindConfiguration(MfaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // AUTH-9: API keys (hashed, scoped, expiring, revocable through the same revocation set as sessions).
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<PresentedCredentials>();
        services.TryAddSingleton<ApiKeyCache>();
        services.TryAddSingleton<BrowserSession>();   // AUTH-7
        services.AddAuthentication(BulwarkAuthenticationSchemes.Default)
            .AddPolicyScheme(BulwarkAuthenticationSchemes.Default, null, o => o.ForwardDefaultSelector = context =>
                Monitoring.MonitoringServiceCollectionExtensions.IsMetricsRequest(context.Request)
                    ? Monitoring.MetricsScrapeAuthenticationHandler.SchemeName   // LOG-6: only the scrape token there
                    : context.RequestServices.GetRequiredService<PresentedCredentials>().HasApiKey(context.Request)
                        ? BulwarkAuthenticationSchemes.ApiKey
                        : BulwarkAuthenticationSchemes.Bearer)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                BulwarkAuthenticationSchemes.ApiKey, null)
            .AddJwtBearer(o => o.Events = new JwtBearerEvents
        {
            OnMessageReceived = BrowserSession.OnMessageReceived,   // AUTH-7: the access cookie when no header credential
            OnTokenValidated = async context =>
            {
                await SessionRevocationCheck.OnTokenValidated(context);
                if (context.Result is null)
                {
                    BrowserSession.CheckCsrf(context);   // AUTH-7: cookie + unsafe method needs the CSRF token
                }
            },
            OnChallenge = BrowserSession.OnChallenge,   // AUTH-7: a failed CSRF check is 403, not 401
            OnAuthenticationFailed = context =>
            {
                // LOG-2: a presented but invalid token is a security event (no reason leaks to the client).
                context.HttpContext.RequestServices.GetRequiredService<ISecurityEvents>()
                    .Emit(context.HttpContext, SecurityEventTypes.TokenRejected, SecurityOutcome.Failure,
                        reason: context.Exception.GetType().Name);
                return Task.CompletedTask;
            },
        });

        // AZ-1: deny by default — every endpoint needs an authenticated principal unless marked anonymous.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .Build());
        // AZ-2/AZ-6: permissions from current roles (cached, invalidated on change), 403 problem + event on deny.
        services.AddBulwarkAuthorization();

        // OPS-2: version lifecycle (deprecation / sunset).
        services.AddOptions<Versioning.ApiVersionOptions>()
            .Configure(o => Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Versioning.ApiVersionOptions.SectionName), o.Versions));

        // Shared security state: Redis when Bulwark:Redis:Configuration is set (scaled mode), else in memory.
        if (services.AddBulwarkRedis(configuration))
        {
            services.AddBulwarkRedisRateLimiting(); // RL-2: cluster-wide limits + ban check, one round trip
            services.AddBulwarkRedisBans();         // BAN-1: bans shared through Redis at once
            // AUTH-6/AZ-2: revocations and permission changes reach every instance through Redis pub/sub (local lookups).
            services.Replace(ServiceDescriptor.Singleton<ISessionRevocations, RedisSessionRevocations>());
            services.AddHostedService(sp => (RedisSessionRevocations)sp.GetRequiredService<ISessionRevocations>());
            services.Replace(ServiceDescriptor.Singleton<IPermissionInvalidation, RedisPermissionInvalidation>());
            services.AddHostedService(sp => (RedisPermissionInvalidation)sp.GetRequiredService<IPermissionInvalidation>());
        }

        // BAN-1: attack detectors, escalating bans (the data layer supplies IBanRepository).
        services.AddBulwarkBans();

        // RL-1..5: tiered rate limits, allow-list, password-hashing gate.
        services.AddBulwarkRateLimiting();

        // DATA-1/DATA-5: field encryption keyed from the master key (required outside Development).
        services.AddBulwarkCrypto();

        services.AddHealthChecks();
        return builder;
    }
}
