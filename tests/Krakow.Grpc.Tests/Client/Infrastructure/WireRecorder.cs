using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace Krakow.Grpc.Tests.Client.Infrastructure;

/// <summary>The 5-byte prefix of one length-prefixed message as it crossed the wire: its flag byte and declared length.</summary>
public sealed record WireFrame(byte Flag, uint Length)
{
    public bool Compressed => (Flag & 1) != 0;
}

/// <summary>What one HTTP exchange of a call looked like on the wire, between the channel and the socket.</summary>
public sealed class WireCall
{
    private readonly FrameLog requestFrames = new();
    private readonly FrameLog responseFrames = new();

    internal WireCall(HttpRequestMessage request)
    {
        Path = request.RequestUri!.AbsolutePath;
        RequestVersion = request.Version;
        RequestHeaders = Snapshot(request.Headers, request.Content?.Headers);
    }

    public string Path { get; }

    public Version RequestVersion { get; }

    /// <summary>Request headers and content headers, names lower-cased, values of one name joined by ", ".</summary>
    public IReadOnlyDictionary<string, string> RequestHeaders { get; }

    public Version? ResponseVersion { get; private set; }

    public HttpStatusCode? ResponseStatus { get; private set; }

    public IReadOnlyDictionary<string, string> ResponseHeaders { get; private set; } = new Dictionary<string, string>();

    /// <summary>The message frames of the request body (only when the recorder sniffs frames).</summary>
    public IReadOnlyList<WireFrame> RequestFrames => requestFrames.Frames;

    /// <summary>The message frames of the response body (only when the recorder sniffs frames).</summary>
    public IReadOnlyList<WireFrame> ResponseFrames => responseFrames.Frames;

    /// <summary>Bytes of request body that went out.</summary>
    public long RequestBodyBytes => requestFrames.Bytes;

    internal FrameLog RequestLog => requestFrames;

    internal FrameLog ResponseLog => responseFrames;

    public string? RequestHeader(string name) => RequestHeaders.GetValueOrDefault(name);

    public string? ResponseHeader(string name) => ResponseHeaders.GetValueOrDefault(name);

    public override string ToString() =>
        $"{Path} HTTP/{RequestVersion} -> HTTP/{ResponseVersion} {(int?)ResponseStatus}; request [{string.Join(", ", RequestHeaders.Select(h => $"{h.Key}: {h.Value}"))}]; "
        + $"request frames [{string.Join(", ", RequestFrames)}]; response frames [{string.Join(", ", ResponseFrames)}]";

    internal void SetResponse(HttpResponseMessage response)
    {
        ResponseVersion = response.Version;
        ResponseStatus = response.StatusCode;
        ResponseHeaders = Snapshot(response.Headers, response.Content.Headers);
    }

    private static Dictionary<string, string> Snapshot(HttpHeaders headers, HttpHeaders? contentHeaders)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers.NonValidated)
        {
            all[name.ToLowerInvariant()] = string.Join(", ", values);
        }

        if (contentHeaders is not null)
        {
            foreach (var (name, values) in contentHeaders.NonValidated)
            {
                all[name.ToLowerInvariant()] = string.Join(", ", values);
            }
        }

        return all;
    }
}

/// <summary>
/// Sits between a channel and the real handler and records every exchange: request headers, response version and
/// headers and, when <c>sniffFrames</c> is set (plain gRPC bodies only), the flag byte and length of every message
/// frame in both directions, read off the bytes as they pass, without changing them.
/// </summary>
public sealed class WireRecorder(HttpMessageHandler inner, bool sniffFrames = true) : DelegatingHandler(inner)
{
    private readonly ConcurrentQueue<WireCall> calls = new();

    /// <summary>Runs on every request before it is recorded and sent (for example to strip a header).</summary>
    public Action<HttpRequestMessage>? OnRequest { get; init; }

    public IReadOnlyList<WireCall> Calls => [.. calls];

    public WireCall Last => calls.LastOrDefault() ?? throw new InvalidOperationException("No request went through the recorder.");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        OnRequest?.Invoke(request);
        var call = new WireCall(request);
        calls.Enqueue(call);
        if (sniffFrames && request.Content is { } content)
        {
            request.Content = new SniffingRequestContent(content, call.RequestLog);
        }

        var response = await base.SendAsync(request, cancellationToken);
        call.SetResponse(response);
        if (sniffFrames)
        {
            response.Content = new SniffingResponseContent(response.Content, call.ResponseLog);
        }

        return response;
    }

    private static void CopyHeaders(HttpContent from, HttpContent to)
    {
        foreach (var (name, values) in from.Headers.NonValidated)
        {
            to.Headers.TryAddWithoutValidation(name, values);
        }
    }

    private sealed class SniffingRequestContent : HttpContent
    {
        private readonly HttpContent inner;
        private readonly FrameLog log;

        public SniffingRequestContent(HttpContent inner, FrameLog log)
        {
            this.inner = inner;
            this.log = log;
            CopyHeaders(inner, this);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            inner.CopyToAsync(new SniffingWriteStream(stream, log), context, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class SniffingResponseContent : HttpContent
    {
        private readonly HttpContent inner;
        private readonly FrameLog log;

        public SniffingResponseContent(HttpContent inner, FrameLog log)
        {
            this.inner = inner;
            this.log = log;
            CopyHeaders(inner, this);
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new SniffingReadStream(await inner.ReadAsStreamAsync(cancellationToken), log);

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            using var source = await CreateContentReadStreamAsync();
            await source.CopyToAsync(stream);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class SniffingWriteStream(Stream inner, FrameLog log) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Write(byte[] buffer, int offset, int count)
        {
            log.Feed(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            log.Feed(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class SniffingReadStream(Stream inner, FrameLog log) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            log.Feed(buffer.AsSpan(offset, read));
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            log.Feed(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>Splits a byte stream, fed in pieces of any size, into message frames.</summary>
internal sealed class FrameLog
{
    private readonly Lock gate = new();
    private readonly List<WireFrame> frames = [];
    private readonly byte[] header = new byte[5];
    private int headerFill;
    private long payloadLeft;
    private long bytes;

    public IReadOnlyList<WireFrame> Frames
    {
        get
        {
            lock (gate)
            {
                return [.. frames];
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    public void Feed(ReadOnlySpan<byte> data)
    {
        lock (gate)
        {
            bytes += data.Length;
            while (!data.IsEmpty)
            {
                if (payloadLeft > 0)
                {
                    var skip = (int)Math.Min(payloadLeft, data.Length);
                    payloadLeft -= skip;
                    data = data[skip..];
                    continue;
                }

                var take = Math.Min(5 - headerFill, data.Length);
                data[..take].CopyTo(header.AsSpan(headerFill));
                headerFill += take;
                data = data[take..];
                if (headerFill == 5)
                {
                    var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
                    frames.Add(new WireFrame(header[0], length));
                    payloadLeft = length;
                    headerFill = 0;
                }
            }
        }
    }
}
