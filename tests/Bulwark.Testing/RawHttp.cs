using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bulwark.Testing;

/// <summary>
/// A bare-socket HTTP/1.1 client for what HttpClient hides or refuses: raw response headers (is there a
/// <c>Server</c> header?), hostile request bytes (CR/LF, oversized or trickled headers) and bodies that
/// keep coming after the server has answered.
/// </summary>
public static class RawHttp
{
    /// <summary>Connects, sends <paramref name="request"/> (Latin-1 bytes) and reads one response.</summary>
    public static Task<RawResponse> SendAsync(int port, string request, TimeSpan? timeout = null) =>
        SendAsync(port, Encoding.Latin1.GetBytes(request), null, timeout);

    /// <summary>
    /// Connects, sends <paramref name="head"/>, then runs <paramref name="writeBody"/> in the background (its
    /// I/O errors are ignored: the server may answer and close before the body is complete) while reading
    /// one response.
    /// </summary>
    public static async Task<RawResponse> SendAsync(int port, byte[] head, Func<Stream, CancellationToken, Task>? writeBody,
        TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(head, cts.Token);
        var writer = writeBody is null ? Task.CompletedTask : Task.Run(() => IgnoringIoErrors(writeBody(stream, cts.Token)));
        try
        {
            return await ReadResponseAsync(stream, cts.Token);
        }
        finally
        {
            client.Close();
            await writer.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> from a socket bound to <paramref name="source"/> (any 127.x.y.z on Linux
    /// loopback), so the server sees a distinct client IP (per-IP rate limits, bans, trusted proxies).
    /// </summary>
    public static async Task<RawResponse> SendFromAsync(IPAddress source, int port, string request, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(request);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        using var client = new TcpClient(new IPEndPoint(source, 0)) { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request), cts.Token);
        return await ReadResponseAsync(stream, cts.Token);
    }

    /// <summary>Reads one response (skipping 1xx interim responses): Content-Length, chunked or until close.</summary>
    public static async Task<RawResponse> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reader = new ByteReader(stream);
        while (true)
        {
            var head = await reader.ReadHeadAsync(cancellationToken)
                       ?? throw new IOException("The connection closed before a response arrived.");
            var lines = head.Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
            var headers = lines.Skip(1).Where(l => l.Length > 0)
                .Select(l => new KeyValuePair<string, string>(l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(),
                    l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
                .ToList();
            if (status is >= 100 and < 200)
            {
                continue;
            }

            var response = new RawResponse(status, headers, string.Empty);
            byte[] body;
            if (response.Header("Content-Length") is { } length)
            {
                body = await reader.ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), cancellationToken);
            }
            else if (string.Equals(response.Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
            {
                body = await reader.ReadChunkedAsync(cancellationToken);
            }
            else
            {
                body = await reader.ReadToEndAsync(cancellationToken);
            }

            return response with { Body = Encoding.UTF8.GetString(body) };
        }
    }

    /// <summary>True when the peer closes the connection (EOF or reset) within <paramref name="within"/>.</summary>
    public static async Task<bool> IsClosedAsync(Stream stream, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await stream.ReadAsync(buffer, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task IgnoringIoErrors(Task task)
    {
        try
        {
            await task;
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Buffered reads over the response stream.</summary>
    private sealed class ByteReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public async Task<string?> ReadHeadAsync(CancellationToken cancellationToken)
        {
            var head = new List<byte>();
            while (true)
            {
                var b = await ReadByteAsync(cancellationToken);
                if (b < 0)
                {
                    return head.Count == 0 ? null : throw new IOException("The connection closed inside the response head.");
                }

                head.Add((byte)b);
                var n = head.Count;
                if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')
                {
                    return Encoding.Latin1.GetString(head.ToArray(), 0, n - 4);
                }
            }
        }

        public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            for (var i = 0; i < count; i++)
            {
                var b = await ReadByteAsync(cancellationToken);
                if (b < 0)
                {
                    throw new IOException("The connection closed inside the response body.");
                }

                result[i] = (byte)b;
            }

            return result;
        }

        public async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
        {
            var body = new List<byte>();
            while (true)
            {
                var sizeLine = await ReadLineAsync(cancellationToken);
                var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    await ReadLineAsync(cancellationToken); // no trailers are sent
                    return [.. body];
                }

                body.AddRange(await ReadExactlyAsync(size, cancellationToken));
                await ReadLineAsync(cancellationToken);
            }
        }

        public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
        {
            var body = new List<byte>();
            int b;
            while ((b = await ReadByteAsync(cancellationToken)) >= 0)
            {
                body.Add((byte)b);
            }

            return [.. body];
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new StringBuilder();
            while (true)
            {
                var b = await ReadByteAsync(cancellationToken);
                if (b < 0)
                {
                    throw new IOException("The connection closed inside a chunk.");
                }

                if (b == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                line.Append((char)b);
            }
        }

        private async ValueTask<int> ReadByteAsync(CancellationToken cancellationToken)
        {
            if (_start == _end)
            {
                try
                {
                    _end = await stream.ReadAsync(_buffer, cancellationToken);
                }
                catch (IOException)
                {
                    _end = 0; // a reset after the response counts as the end of the stream
                }

                _start = 0;
                if (_end == 0)
                {
                    return -1;
                }
            }

            return _buffer[_start++];
        }
    }
}
