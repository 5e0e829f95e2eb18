using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bulwark.Testing;

/// <summary>
/// A real instance of the built API (Kestrel on a loopback port, own process), for tests about
/// sockets, limits, headers on the wire, logs and multiple instances. Captures stdout (the JSON log)
/// and is stopped by its PID on dispose.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ApiProcess(Process process, int port, bool https = false)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"{(https ? "https" : "http")}://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>Every line the instance wrote to stdout/stderr so far (JSON log lines).</summary>
    public IReadOnlyList<string> OutputLines => [.. _output];

    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string environment = "Development",
        TimeSpan? timeout = null, bool https = false)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Bulwark.Api.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"{(https ? "https" : "http")}://127.0.0.1:{port}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        // TLS-1: plain HTTP is refused unless allowed; the fixture opts in explicitly (settings may set it back to false).
        info.Environment["Bulwark__Tls__AllowPlainHttp"] = "true";
        info.Environment["DOTNET_ENVIRONMENT"] = environment;
        foreach (var (key, value) in TestLogs.With(settings, "process"))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the API");
        var instance = new ApiProcess(process, port, https);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { instance._output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { instance._output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient(instance.CreateHandler()) { BaseAddress = instance.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(180)); // generous: a loaded CI machine starts slowly
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // drains the asynchronous stdout/stderr readers
                throw new InvalidOperationException($"API exited with {process.ExitCode}:\n{string.Join('\n', instance.OutputLines)}");
            }

            try
            {
                using var response = await client.GetAsync("/health/live");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return instance;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        await instance.DisposeAsync();
        throw new TimeoutException("API did not become live:\n" + string.Join('\n', instance.OutputLines));
    }

    public HttpClient CreateClient() => new(CreateHandler()) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Over HTTPS the test certificates are self-signed: the handler accepts the served certificate and records it
    /// in <see cref="LastServerCertificate"/> so tests assert on exactly what was served.
    /// </summary>
    public HttpMessageHandler CreateHandler() => BaseAddress.Scheme != "https"
        ? new HttpClientHandler()
        : new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                LastServerCertificate = certificate is null ? null : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.RawData);
                return certificate is not null;
            },
        };

    /// <summary>The certificate the last HTTPS handshake of a client from <see cref="CreateHandler"/> saw.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? LastServerCertificate { get; private set; }

    /// <summary>Waits (bounded) until a log line satisfies <paramref name="predicate"/>.</summary>
    public async Task<string?> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = _output.FirstOrDefault(predicate);
            if (line is not null)
            {
                return line;
            }

            await Task.Delay(50);
        }

        return null;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
