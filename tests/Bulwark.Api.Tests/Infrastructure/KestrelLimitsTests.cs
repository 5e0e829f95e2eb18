using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Bulwark.Api.Tests.Infrastructure;

/// <summary>A real instance with a 2 s request-headers timeout (default 10 s) to keep the slow-client test short.</summary>
public sealed class SlowClientApi : ApiProcessFixture
{
    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["Bulwark:Transport:RequestHeadersTimeoutSeconds"] = "2";
}

/// <summary>
/// VAL-5 and the slow-client limits, over real sockets: oversized bodies (declared or chunked), too many
/// or too large headers and trickled headers are cut off by the transport, and ordinary traffic is served.
/// </summary>
public sealed class KestrelLimitsTests(SlowClientApi instance) : IClassFixture<SlowClientApi>
{
    private const int TwoMegabytes = 2 * 1024 * 1024;

    [Fact, Trait("Control", "VAL-5"), Trait("Control", "ERR-1")]
    public async Task Body_OverTheLimitWithContentLength_Returns413ProblemBeforeReadingIt()
    {
        var head = Encoding.ASCII.GetBytes(
            "POST /api/v1/items HTTP/1.1\r\nHost: localhost\r\n" +
            $"Authorization: Bearer {await instance.TokenForAsync("admin")}\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {TwoMegabytes}\r\n\r\n");
        var response = await RawHttp.SendAsync(instance.Api.Port, head, (stream, ct) => WriteJunkAsync(stream, TwoMegabytes, ct));

        Assert.Equal(413, response.Status);
        Assert.StartsWith("application/problem+json", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("close", response.Header("Connection"));
        var problem = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        ProblemAssert.NoLeaks(response.Body);
    }

    [Theory, Trait("Control", "VAL-5")]
    [InlineData("/api/v1/items", true, "{\"sku\":\"A-1\",\"name\":\"")]
    [InlineData("/api/v1/auth/login", false, "{\"tenant\":\"demo\",\"email\":\"")]
    public async Task Body_OverTheLimitChunked_IsCutOffWith413(string path, bool authenticated, string jsonPrefix)
    {
        var authorization = authenticated ? $"Authorization: Bearer {await instance.TokenForAsync("admin")}\r\n" : string.Empty;
        var head = Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: localhost\r\n{authorization}" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");

        // Well-formed JSON that never ends: only the size limit can stop it.
        var response = await RawHttp.SendAsync(instance.Api.Port, head, async (stream, ct) =>
        {
            await WriteChunkAsync(stream, Encoding.ASCII.GetBytes(jsonPrefix), ct);
            var filler = Encoding.ASCII.GetBytes(new string('a', 16 * 1024));
            for (var sent = 0; sent < TwoMegabytes; sent += filler.Length)
            {
                await WriteChunkAsync(stream, filler, ct);
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
        });

        Assert.True(response.Status == 413, $"expected 413, got {response.Status}: {response.Body}");
        Assert.StartsWith("application/problem+json", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(413, JsonDocument.Parse(response.Body).RootElement.GetProperty("status").GetInt32());
        ProblemAssert.NoLeaks(response.Body);
    }

    [Fact, Trait("Control", "VAL-5")]
    public async Task Body_UnderTheLimit_IsReadAndValidated()
    {
        using var client = await instance.ClientForAsync("admin");
        var body = $$"""{"sku":"B-1","name":"Big","unit":"pcs","unitCost":1,"description":"{{new string('d', 900 * 1024)}}"}""";
        using var response = await client.PostAsync("/api/v1/items", new StringContent(body, Encoding.UTF8, "application/json"));
        // Not 413: the body was read in full and reached validation (the field itself is too long).
        await ProblemAssert.IsValidationProblemAsync(response, "description", "maxLength");
    }

    [Fact, Trait("Control", "VAL-5")]
    public async Task Headers_TooMany_Returns431()
    {
        var request = new StringBuilder("GET /health/live HTTP/1.1\r\nHost: localhost\r\n");
        for (var i = 0; i < 80; i++)
        {
            request.Append(System.Globalization.CultureInfo.InvariantCulture, $"X-Header-{i}: {i}\r\n");
        }

        var response = await RawHttp.SendAsync(instance.Api.Port, request.Append("\r\n").ToString());
        Assert.Equal(431, response.Status);
        Assert.False(response.Has("Server"));
    }

    [Fact, Trait("Control", "VAL-5")]
    public async Task Headers_TooLarge_Returns431()
    {
        var response = await RawHttp.SendAsync(instance.Api.Port,
            $"GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('b', 40 * 1024)}\r\n\r\n");
        Assert.Equal(431, response.Status);
        Assert.False(response.Has("Server"));
    }

    [Fact, Trait("Control", "VAL-5")]
    public async Task Headers_WithinTheLimits_AreServed()
    {
        var request = new StringBuilder("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (var i = 0; i < 50; i++)
        {
            request.Append(System.Globalization.CultureInfo.InvariantCulture, $"X-Header-{i}: {new string('v', 200)}\r\n");
        }

        var response = await RawHttp.SendAsync(instance.Api.Port, request.Append("\r\n").ToString());
        Assert.Equal(200, response.Status);
    }

    [Fact, Trait("Control", "VAL-5")]
    public async Task SlowHeaders_AreCutOffAfterTheTimeout_WhileAnotherConnectionIsServed()
    {
        using var slow = new TcpClient { NoDelay = true };
        await slow.ConnectAsync(IPAddress.Loopback, instance.Api.Port);
        var stream = slow.GetStream();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await stream.WriteAsync("GET /health/live HTTP/1.1\r\nHost: localhost\r\n"u8.ToArray(), stop.Token);

        // Slowloris: one header line every 400 ms, never the blank line that ends the head.
        var trickle = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"X-Slow-{i}: a\r\n"), stop.Token);
                    await Task.Delay(400, stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        });

        // Meanwhile an ordinary client is served promptly.
        await Task.Delay(1000);
        using (var client = instance.CreateClient())
        {
            var served = Stopwatch.StartNew();
            using var ok = await client.GetAsync("/health/live").WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.True(served.Elapsed < TimeSpan.FromSeconds(2), $"the ordinary request took {served.Elapsed}");
        }

        // The slow connection gets at most a 408 and is closed, a little after the 2 s timeout.
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, stop.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // reset: closed as well
        }

        var closedAfter = clock.Elapsed;
        await stop.CancelAsync();
        await trickle.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.InRange(closedAfter, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
        var answer = Encoding.ASCII.GetString(received.ToArray());
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), $"unexpected answer: {answer}");
    }

    private static async Task WriteJunkAsync(Stream stream, int total, CancellationToken cancellationToken)
    {
        var block = new byte[64 * 1024];
        Array.Fill(block, (byte)'a');
        for (var sent = 0; sent < total; sent += block.Length)
        {
            await stream.WriteAsync(block, cancellationToken);
        }
    }

    private static async Task WriteChunkAsync(Stream stream, byte[] data, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"), cancellationToken);
        await stream.WriteAsync(data, cancellationToken);
        await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
    }
}
