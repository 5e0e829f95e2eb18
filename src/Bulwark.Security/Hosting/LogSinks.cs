using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Sinks.OpenTelemetry;

namespace Bulwark.Security.Hosting;

/// <summary>
/// LOG-5: log sinks besides the console and the rolling file, switched on by configuration: Seq
/// (<c>Bulwark:Logging:SeqUrl</c>, optional <c>SeqApiKey</c>) and OpenTelemetry OTLP (<c>Bulwark:Logging:OtlpEndpoint</c>,
/// <c>OtlpProtocol</c> <c>grpc</c> | <c>http</c>). Both are the Serilog project's sinks, batched and in the background, so a
/// slow or absent collector never slows a request; they receive the same redacted events as the console (LOG-4).
/// </summary>
public static class LogSinks
{
    public static void AddOptional(LoggerConfiguration logger, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration["Bulwark:Logging:SeqUrl"] is { Length: > 0 } seq)
        {
            logger.WriteTo.Seq(Absolute(seq, "Bulwark:Logging:SeqUrl"), apiKey: configuration["Bulwark:Logging:SeqApiKey"],
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        if (configuration["Bulwark:Logging:OtlpEndpoint"] is { Length: > 0 } otlp)
        {
            var protocol = configuration["Bulwark:Logging:OtlpProtocol"] switch
            {
                null or "" or "grpc" => OtlpProtocol.Grpc,
                "http" => OtlpProtocol.HttpProtobuf,
                var other => throw new InvalidOperationException(
                    $"Bulwark:Logging:OtlpProtocol must be grpc or http, not '{other}'."),
            };
            logger.WriteTo.OpenTelemetry(o =>
            {
                o.Endpoint = Absolute(otlp, "Bulwark:Logging:OtlpEndpoint");
                o.Protocol = protocol;
                o.ResourceAttributes = new Dictionary<string, object> { ["service.name"] = "bulwark" };
            });
        }
    }

    private static string Absolute(string url, string setting) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? url
            : throw new InvalidOperationException($"{setting} must be an absolute http(s) URL.");
}
