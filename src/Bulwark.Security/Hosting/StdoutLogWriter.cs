using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Sinks.Async;

namespace Bulwark.Security.Hosting;

/// <summary>
/// LOG-1, issue 7 hot path: the JSON lines on stdout, written by the background log worker in as few writes as the
/// queue allows. Serilog's console sink writes every event through <see cref="Console.Out"/>, whose 256-character
/// buffer and auto-flush made one request line five or six <c>write</c> calls — half of the worker's time. Here each
/// event is formatted into a buffer, and the buffer goes to stdout in one write when the worker's queue is empty (so a
/// quiet service shows every line at once) or when it holds 64 KB (so a busy one writes a batch per write).
/// </summary>
/// <remarks>
/// Written here because no served Serilog sink batches stdout. Runs only inside <c>WriteTo.Async</c> (one thread calls
/// <see cref="Emit"/>), which also watches the queue for it (<see cref="IAsyncLogEventSinkMonitor"/>); the queue stays
/// bounded and blocking, so no line is dropped (LOG-2). Writes hold <see cref="Console.Out"/>'s lock, so a CLI verb's
/// output line is never cut by a log batch.
/// </remarks>
internal sealed class StdoutLogWriter : ILogEventSink, IAsyncLogEventSinkMonitor, IDisposable
{
    internal const int BatchBytes = 64 * 1024;

    private readonly ITextFormatter _formatter;
    private readonly Stream _output;
    private readonly MemoryStream _pending = new();
    private readonly StreamWriter _text;
    private volatile IAsyncLogEventSinkInspector? _queue;
    private int _disposed;

    public StdoutLogWriter(ITextFormatter formatter, Stream? output = null)
    {
        _formatter = formatter;
        _output = output ?? Console.OpenStandardOutput();
        _text = new StreamWriter(_pending, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
    }

    public void Emit(LogEvent logEvent)
    {
        _formatter.Format(logEvent, _text);
        _text.Flush();   // encoded into the pending buffer; nothing is written yet
        if (_queue is not { Count: > 0 } || _pending.Length >= BatchBytes)
        {
            WritePending();
        }
    }

    public void StartMonitoring(IAsyncLogEventSinkInspector inspector) => _queue = inspector;

    public void StopMonitoring(IAsyncLogEventSinkInspector inspector) => _queue = null;

    public void Dispose()
    {
        // Serilog disposes it twice at shutdown (the async wrapper disposes its sinks, and so does the root logger, which
        // tracks every sink its configuration made); the first time writes the rest. The stdout stream stays open.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _text.Flush();
        WritePending();
        _text.Dispose();
        _pending.Dispose();
    }

    private void WritePending()
    {
        if (_pending.Length == 0)
        {
            return;
        }

        try
        {
            lock (Console.Out)
            {
                _output.Write(_pending.GetBuffer(), 0, (int)_pending.Length);
                _output.Flush();
            }
        }
        finally
        {
            _pending.SetLength(0);   // a failed write (stdout closed) loses that batch, never grows the buffer
        }
    }
}
