using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.ResponseCompression;

namespace Bulwark.Security.Headers;

/// <summary>
/// HDR-4: JSON results stream out without a Content-Length, so on its own the compression provider
/// cannot tell a 300-byte page from a 300 KB one. On endpoints that opted into compression, for
/// clients that accept it, the first <see cref="ThresholdCompressionProvider.ThresholdBytes"/> of the
/// body are held back: a body that ends within them goes out uncompressed with its Content-Length
/// (which <see cref="ThresholdCompressionProvider"/> declines); a larger one streams on and is compressed.
/// Sits directly inside the response compression middleware.
/// </summary>
internal sealed class CompressionThresholdMiddleware(RequestDelegate next, IResponseCompressionProvider compression)
{
    public Task Invoke(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<CompressibleMetadata>() is null
            || !compression.CheckRequestAcceptsCompression(context))
        {
            return next(context);
        }

        return HoldBackAsync(context);
    }

    private async Task HoldBackAsync(HttpContext context)
    {
        var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var body = new ThresholdResponseBody(context.Response, inner, ThresholdCompressionProvider.ThresholdBytes);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(context);
            await body.ReleaseAsync(context.RequestAborted);
        }
        finally
        {
            // On an exception the held-back bytes are dropped: the exception handler rewrites the response.
            context.Features.Set(inner);
        }
    }

    /// <summary>Holds back up to <c>threshold</c> bytes (and the start of the response), then passes everything through.</summary>
    private sealed class ThresholdResponseBody(HttpResponse response, IHttpResponseBodyFeature inner, int threshold)
        : Stream, IHttpResponseBodyFeature
    {
        private readonly byte[] _held = new byte[threshold];
        private int _count;
        private bool _holding = true;
        private bool _released;
        private PipeWriter? _writer;

        public Stream Stream => this;

        public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        /// <summary>The body is complete: a small body gets its Content-Length, then everything held goes out.</summary>
        public async Task ReleaseAsync(CancellationToken cancellationToken)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            if (_writer is not null)
            {
                await _writer.CompleteAsync(); // writes out whatever the pipe still buffers
            }

            if (_holding && _count > 0 && !response.HasStarted && response.ContentLength is null)
            {
                response.ContentLength = _count;
            }

            await ReleaseHeldAsync(cancellationToken);
        }

        public void DisableBuffering()
        {
            // Streaming responses want every byte out now: stop holding back.
            _holding = false;
            inner.DisableBuffering();
        }

        public async Task StartAsync(CancellationToken cancellationToken = default)
        {
            if (!_holding)
            {
                await ReleaseHeldAsync(cancellationToken);
                await inner.StartAsync(cancellationToken);
            }
        }

        public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
        {
            await ReleaseHeldAsync(cancellationToken);
            await inner.SendFileAsync(path, offset, count, cancellationToken);
        }

        public async Task CompleteAsync()
        {
            await ReleaseAsync(CancellationToken.None);
            await inner.CompleteAsync();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_holding && _count + buffer.Length <= _held.Length)
            {
                buffer.CopyTo(_held.AsMemory(_count));
                _count += buffer.Length;
                return;
            }

            await ReleaseHeldAsync(cancellationToken);
            await inner.Stream.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_holding && _count + count <= _held.Length)
            {
                buffer.AsSpan(offset, count).CopyTo(_held.AsSpan(_count));
                _count += count;
                return;
            }

            ReleaseHeld();
            inner.Stream.Write(buffer, offset, count);
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (!_holding)
            {
                await ReleaseHeldAsync(cancellationToken);
                await inner.Stream.FlushAsync(cancellationToken);
            }
        }

        public override void Flush()
        {
            if (!_holding)
            {
                ReleaseHeld();
                inner.Stream.Flush();
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void ReleaseHeld()
        {
            _holding = false;
            if (_count > 0)
            {
                var held = _count;
                _count = 0;
                inner.Stream.Write(_held, 0, held);
            }
        }

        private async Task ReleaseHeldAsync(CancellationToken cancellationToken)
        {
            _holding = false;
            if (_count > 0)
            {
                var held = _count;
                _count = 0;
                await inner.Stream.WriteAsync(_held.AsMemory(0, held), cancellationToken);
            }
        }
    }
}
