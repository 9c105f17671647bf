using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;
using Grpc.Net.Protocol;

namespace Grpc.Net.Client.Web;

/// <summary>
/// Reads a (decoded) gRPC-Web response body as a gRPC one: message frames pass through unchanged, and the
/// trailer frame (first byte 0x80, then length, then <c>name: value\r\n</c> lines) goes into
/// <paramref name="trailers"/> and ends the stream, just as HTTP/2 trailers follow the last DATA frame.
/// </summary>
internal sealed class GrpcWebResponseStream(Stream inner, HttpResponseHeaders trailers) : ReadOnlyStream
{
    private const byte TrailerFlag = 0x80;
    private const byte CompressedFlag = 0x01;
    private const int HeaderSize = 5;

    /// <summary>Trailers are headers; 64 KiB is also HttpClient's default limit on response headers.</summary>
    private const int MaxTrailerSize = 64 * 1024;

    private readonly byte[] header = new byte[HeaderSize];
    private int headerDelivered = HeaderSize;
    private long payloadLeft;
    private bool ended;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!ended && !buffer.IsEmpty)
        {
            if (headerDelivered < HeaderSize)
            {
                var count = Math.Min(buffer.Length, HeaderSize - headerDelivered);
                header.AsSpan(headerDelivered, count).CopyTo(buffer.Span);
                headerDelivered += count;
                return count;
            }

            if (payloadLeft > 0)
            {
                var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, payloadLeft)], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    // Ends inside a message: the message reader reports the incomplete message.
                    ended = true;
                    return 0;
                }

                payloadLeft -= read;
                return read;
            }

            await ReadFrameHeaderAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads the next frame's header: a message frame is then passed on, a trailer frame ends the body.</summary>
    private async ValueTask ReadFrameHeaderAsync(CancellationToken cancellationToken)
    {
        var read = await inner.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            // No trailer frame: the channel finds no grpc-status and says so.
            ended = true;
            return;
        }

        if (read < HeaderSize)
        {
            throw new InvalidDataException("The gRPC-Web response ends inside a frame header.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if ((header[0] & TrailerFlag) == 0)
        {
            (headerDelivered, payloadLeft) = (0, length);
            return;
        }

        if ((header[0] & CompressedFlag) != 0)
        {
            throw new InvalidDataException("Compressed gRPC-Web trailers are not supported.");
        }

        if (length > MaxTrailerSize)
        {
            throw new InvalidDataException($"The gRPC-Web trailers exceed {MaxTrailerSize} bytes.");
        }

        var block = new byte[length];
        if (await inner.ReadAtLeastAsync(block, block.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < block.Length)
        {
            throw new InvalidDataException("The gRPC-Web response ends inside its trailers.");
        }

        ParseTrailers(Encoding.Latin1.GetString(block));

        // The trailer frame is the last one; anything after it is ignored.
        ended = true;
    }

    private void ParseTrailers(string block)
    {
        foreach (var line in block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"Invalid gRPC-Web trailer line '{line}'.");
            }

            trailers.TryAddWithoutValidation(line[..colon].Trim().ToLowerInvariant(), line[(colon + 1)..].Trim());
        }
    }
}
