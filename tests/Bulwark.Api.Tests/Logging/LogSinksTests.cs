using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Api.Tests.Logging;

/// <summary>
/// LOG-5/LOG-4: with <c>Bulwark:Logging:SeqUrl</c> and <c>OtlpEndpoint</c> set, a real process ships its log events to
/// a Seq endpoint (CLEF) and an OTLP/HTTP endpoint (protobuf) — here one loopback collector that records every POST —
/// and what they receive is redacted like the console: a token in a logged value never leaves the process.
/// </summary>
[Trait("Control", "LOG-5"), Trait("Control", "LOG-4")]
public sealed class LogSinksTests
{
    // A JWT-shaped value (LOG-4 redacts it by shape wherever it appears).
    private const string TokenLike = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJsb2ctc2luay10ZXN0In0.c2lnbmF0dXJlLW9mLWEtdG9rZW4";

    [Fact]
    public async Task SeqAndOtlp_ReceiveTheEvents_Redacted()
    {
        var received = new ConcurrentQueue<(string Path, string ContentType, byte[] Body)>();
        var port = ApiProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var collector = builder.Build();
        collector.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            received.Enqueue((http.Request.Path, http.Request.ContentType ?? "", buffer.ToArray()));
            return Results.StatusCode(http.Request.Path.StartsWithSegments("/v1/logs") ? 200 : 201);
        });
        await collector.StartAsync();

        await using var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        var settings = database.Settings();
        RelaxedRateLimits.AddTo(settings);
        settings["Bulwark:Logging:SeqUrl"] = $"http://127.0.0.1:{port}/seq";
        settings["Bulwark:Logging:OtlpEndpoint"] = $"http://127.0.0.1:{port}/v1/logs";
        settings["Bulwark:Logging:OtlpProtocol"] = "http";
        await using var api = await ApiProcess.StartAsync(settings);

        using (var client = api.CreateClient())
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd("sink-test/1.0 " + TokenLike);
            using var failed = await client.PostAsJsonAsync("/api/v1/auth/login",
                new { tenant = "demo", email = "finance@demo.example", password = "Wrong-Password-123" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        static bool Has(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline
               && !(received.Any(r => r.Path.StartsWith("/seq", StringComparison.Ordinal) && Has(r.Body, "auth.login.failed"))
                    && received.Any(r => r.Path == "/v1/logs" && Has(r.Body, "auth.login.failed"))))
        {
            await Task.Delay(250);
        }

        var seq = received.Where(r => r.Path.StartsWith("/seq", StringComparison.Ordinal)).ToArray();
        var otlp = received.Where(r => r.Path == "/v1/logs").ToArray();
        Assert.Contains(seq, r => Has(r.Body, "auth.login.failed"));
        Assert.Contains(otlp, r => Has(r.Body, "auth.login.failed"));
        Assert.All(otlp, r => Assert.Equal("application/x-protobuf", r.ContentType));
        // The console saw the request too, redacted; no sink got the token.
        Assert.Contains(api.OutputLines, l => l.Contains("sink-test/1.0", StringComparison.Ordinal));
        Assert.DoesNotContain(api.OutputLines, l => l.Contains(TokenLike, StringComparison.Ordinal));
        Assert.Contains(seq, r => Has(r.Body, "sink-test/1.0"));   // the value was shipped ...
        Assert.Contains(otlp, r => Has(r.Body, "sink-test/1.0"));
        Assert.DoesNotContain(received, r => Has(r.Body, TokenLike) || Has(r.Body, TokenLike[..30]));   // ... without the token
    }
}
