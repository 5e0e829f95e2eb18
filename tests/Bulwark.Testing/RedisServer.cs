using System.Diagnostics;
using System.Globalization;

namespace Bulwark.Testing;

/// <summary>
/// A private redis-server (own process, loopback port, no persistence) for tests that must stop and restart Redis
/// (RL-2 fallback) or read server-wide statistics (INFO commandstats). Stopped by its PID, never by name.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private Process? _process;

    private RedisServer(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(ApiProcess.FreePort(), Directory.CreateTempSubdirectory("bulwark-redis-").FullName);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same port, empty.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--daemonize", "no", "--dir", _directory })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if ((await CliAsync("PING")).Trim() == "PONG")
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"redis-server did not answer on port {Port}");
    }

    /// <summary>Kills the server by its PID and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Runs one command through redis-cli and returns its raw output.</summary>
    public async Task<string> CliAsync(params string[] command)
    {
        var info = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture) }.Concat(command))
        {
            info.ArgumentList.Add(arg);
        }

        using var cli = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-cli");
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return output;
    }

    /// <summary>Calls of each command since the last CONFIG RESETSTAT, from INFO commandstats (command name → calls).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CommandCallsAsync()
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (await CliAsync("INFO", "commandstats")).Split('\n'))
        {
            // cmdstat_evalsha:calls=10,usec=...,usec_per_call=...,rejected_calls=0,failed_calls=0
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                continue;
            }

            var name = line[8..line.IndexOf(':', StringComparison.Ordinal)];
            var value = line.Split(',')[0].Split('=')[1];
            calls[name] = long.Parse(value, CultureInfo.InvariantCulture);
        }

        return calls;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
