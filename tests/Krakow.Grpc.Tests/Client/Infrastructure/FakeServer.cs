using System.Buffers.Binary;
using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Grpc.Testing;

namespace Krakow.Grpc.Tests.Client.Infrastructure;

/// <summary>
/// A server that answers exactly as a test says, headers, body bytes and trailers included: the way to show the
/// client responses no real server can be made to send (a missing grpc-status, two unary messages, a cut frame).
/// </summary>
public sealed class FakeServer : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, byte[], Task<HttpResponseMessage>> respond;
    private readonly List<(HttpRequestMessage Request, byte[] Body)> requests = [];
    private readonly Lock gate = new();

    public FakeServer(Func<HttpRequestMessage, byte[], Task<HttpResponseMessage>> respond)
    {
        this.respond = respond;
    }

    public FakeServer(Func<HttpResponseMessage> respond)
        : this((_, _) => Task.FromResult(respond()))
    {
    }

    public const string Address = "http://fake.test";

    /// <summary>Every request, with the whole body it sent (read before the fake answers).</summary>
    public IReadOnlyList<(HttpRequestMessage Request, byte[] Body)> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public (HttpRequestMessage Request, byte[] Body) LastRequest => Requests[^1];

    /// <summary>A grpc.testing client over a channel whose every call this fake answers.</summary>
    public TestService.TestServiceClient Client(GrpcChannelOptions? options = null) => new(Channel(options));

    /// <summary>The same client with a <see cref="GrpcWebHandler"/> of <paramref name="mode"/> in front of the fake.</summary>
    public TestService.TestServiceClient WebClient(GrpcWebMode mode) =>
        new(GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = new GrpcWebHandler(mode, this) }));

    public GrpcChannel Channel(GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        options.HttpHandler = this;
        return GrpcChannel.ForAddress(Address, options);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (gate)
        {
            requests.Add((request, body));
        }

        return await respond(request, body);
    }

    /// <summary>A gRPC response: 200, <c>application/grpc</c>, <paramref name="body"/>, then <paramref name="trailers"/>.</summary>
    public static HttpResponseMessage Response(
        byte[] body,
        (string Name, string Value)[]? trailers = null,
        (string Name, string Value)[]? headers = null,
        HttpStatusCode status = HttpStatusCode.OK,
        string? contentType = "application/grpc",
        Stream? bodyStream = null)
    {
        var response = new HttpResponseMessage(status)
        {
            Version = HttpVersion.Version20,
            Content = new StreamContent(bodyStream ?? new MemoryStream(body)),
        };
        if (contentType is not null)
        {
            response.Content.Headers.TryAddWithoutValidation("content-type", contentType);
        }

        foreach (var (name, value) in headers ?? [])
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        foreach (var (name, value) in trailers ?? [])
        {
            response.TrailingHeaders.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    /// <summary>A Trailers-Only response: the status in the only headers, no body.</summary>
    public static HttpResponseMessage TrailersOnly(params (string Name, string Value)[] headers) => Response([], headers: headers);
}

/// <summary>gRPC and gRPC-Web body bytes, built by hand.</summary>
public static class Frames
{
    public static readonly (string, string)[] Ok = [("grpc-status", "0")];

    public static byte[] Message(IMessage message, byte flag = 0) => Frame(message.ToByteArray(), flag);

    public static byte[] Frame(byte[] payload, byte flag = 0)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A gRPC-Web trailer frame (flag 0x80) holding <c>name: value\r\n</c> lines.</summary>
    public static byte[] WebTrailers(string block) => Frame(Encoding.ASCII.GetBytes(block), 0x80);
}

/// <summary>Hands out its bytes one per read, so every boundary of whatever reads it is crossed.</summary>
public sealed class TrickleStream(byte[] data) : Stream
{
    private int position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public int Reads { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        if (position == data.Length || buffer.IsEmpty)
        {
            return 0;
        }

        buffer[0] = data[position++];
        return 1;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
