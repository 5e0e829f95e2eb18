using System.Text;
using Bulwark.Security.Hosting;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;
using Serilog.Sinks.Async;

namespace Bulwark.Security.Tests.Hosting;

/// <summary>LOG-1 / issue 7: stdout gets every line, whole and in order, in one write per drained queue or per 64 KB.</summary>
[Trait("Control", "LOG-1")]
public sealed class StdoutLogWriterTests
{
    [Fact]
    public void WhileTheQueueHoldsMore_LinesWait_AndGoOutInOneWriteWhenItRunsEmpty()
    {
        var output = new WriteCountingStream();
        var queue = new Queue { Count = 3 };
        using var writer = new StdoutLogWriter(new RenderedCompactJsonFormatter(), output);
        writer.StartMonitoring(queue);

        writer.Emit(Event("one"));
        writer.Emit(Event("two"));
        Assert.Equal(0, output.Writes);

        queue.Count = 0;
        writer.Emit(Event("three"));

        Assert.Equal(1, output.Writes);
        Assert.Equal(["one", "two", "three"], Messages(output));
    }

    [Fact]
    public void AQuietService_WritesEveryLineAtOnce()
    {
        var output = new WriteCountingStream();
        using var writer = new StdoutLogWriter(new RenderedCompactJsonFormatter(), output);
        writer.StartMonitoring(new Queue { Count = 0 });

        writer.Emit(Event("first"));
        Assert.Equal(["first"], Messages(output));
        writer.Emit(Event("second"));

        Assert.Equal(2, output.Writes);
        Assert.Equal(["first", "second"], Messages(output));
    }

    [Fact]
    public void ABusyQueue_StillWritesEvery64Kilobytes_AndDisposalWritesTheRest()
    {
        var output = new WriteCountingStream();
        var writer = new StdoutLogWriter(new RenderedCompactJsonFormatter(), output);
        writer.StartMonitoring(new Queue { Count = 1_000 });
        var text = new string('x', 1_000);

        for (var i = 0; i < 200; i++)
        {
            writer.Emit(Event($"{i} {text}"));
        }

        var beforeDisposal = output.Writes;
        writer.Dispose();
        writer.Dispose();   // Serilog disposes a monitored sink twice

        Assert.InRange(beforeDisposal, 2, 4);   // ~200 KB in 64 KB batches
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"{i} {text}"), Messages(output));
    }

    [Fact]
    public void AFailedWrite_LosesOnlyItsBatch_AndTheNextLinesStillGoOut()
    {
        var output = new WriteCountingStream { FailNext = true };
        using var writer = new StdoutLogWriter(new RenderedCompactJsonFormatter(), output);

        Assert.Throws<IOException>(() => writer.Emit(Event("lost")));   // the async worker reports it (Serilog SelfLog)
        writer.Emit(Event("kept"));

        Assert.Equal(["kept"], Messages(output));
    }

    private static LogEvent Event(string text) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse(text.Replace("{", "{{", StringComparison.Ordinal)), []);

    private static string[] Messages(WriteCountingStream output) =>
        Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("@m").GetString()!).ToArray();

    private sealed class Queue : IAsyncLogEventSinkInspector
    {
        public int BufferSize => 2_000;

        public int Count { get; set; }

        public long DroppedMessagesCount => 0;
    }

    private sealed class WriteCountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public bool FailNext { get; set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("stdout closed");
            }

            Writes++;
            base.Write(buffer, offset, count);
        }
    }
}
