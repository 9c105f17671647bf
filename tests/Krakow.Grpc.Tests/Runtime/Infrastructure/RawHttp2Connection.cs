using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Krakow.Grpc.Tests.Runtime.Infrastructure;

/// <summary>
/// A cleartext HTTP/2 connection written frame by frame, for the requests HttpClient refuses to send (it enforces
/// the server's SETTINGS_MAX_HEADER_LIST_SIZE itself once it has seen it, so it cannot test the server's limit).
/// Header blocks are HPACK literals without indexing and without Huffman coding; of the response it decodes
/// only <c>:status</c>.
/// </summary>
public sealed class RawHttp2Connection : IAsyncDisposable
{
    private const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, GoAway = 0x7, Continuation = 0x9;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4;
    private const int MaxFrameSize = 16_384;

    private readonly TcpClient tcp;
    private readonly NetworkStream stream;

    private RawHttp2Connection(TcpClient tcp)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
    }

    public static async Task<RawHttp2Connection> OpenAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var connection = new RawHttp2Connection(tcp);
        await connection.stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        await connection.WriteFrameAsync(Settings, 0, 0, []);

        // Acknowledge the server's SETTINGS before any request, so that nothing is left for the client to write
        // once a request is out: a write after the server closed would reset the connection and lose its GOAWAY.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var (type, flags, _, _) = await connection.ReadFrameAsync(timeout.Token);
            if (type == Settings && (flags & Ack) == 0)
            {
                await connection.WriteFrameAsync(Settings, Ack, 0, []);
                return connection;
            }
        }
    }

    /// <summary>Sends the request headers of a POST on stream 1, as one HEADERS frame and CONTINUATION frames, in one write.</summary>
    public async Task SendHeadersAsync(string path, IEnumerable<(string Name, string Value)> headers)
    {
        var block = new MemoryStream();
        foreach (var (name, value) in new[] { (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost") }.Concat(headers))
        {
            block.WriteByte(0x00); // Literal header field without indexing, new name.
            WriteString(block, name);
            WriteString(block, value);
        }

        var bytes = block.ToArray();
        var frames = new MemoryStream();
        for (var offset = 0; offset < bytes.Length; offset += MaxFrameSize)
        {
            var chunk = bytes.AsSpan(offset, Math.Min(MaxFrameSize, bytes.Length - offset)).ToArray();
            var last = offset + MaxFrameSize >= bytes.Length;
            frames.Write(Frame(offset == 0 ? Headers : Continuation, last ? EndHeaders : (byte)0, 1, chunk));
        }

        await stream.WriteAsync(frames.ToArray());
    }

    /// <summary>Sends the whole request body of stream 1 and ends it.</summary>
    public async Task SendBodyAsync(byte[] body) => await WriteFrameAsync(Data, EndStream, 1, body);

    /// <summary>Reads until stream 1 gets its response headers, is reset, or the connection goes away.</summary>
    public async Task<Http2Outcome> ReadOutcomeAsync(TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout);
        var cancellationToken = timer.Token;
        try
        {
            while (true)
            {
                var (type, flags, streamId, payload) = await ReadFrameAsync(cancellationToken);
                switch (type)
                {
                    case Headers when streamId == 1:
                        return new Http2Outcome(ReadStatus(payload, flags), null, null);
                    case RstStream when streamId == 1:
                        return new Http2Outcome(null, BinaryPrimitives.ReadUInt32BigEndian(payload), null);
                    case GoAway:
                        return new Http2Outcome(null, null, BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException)
        {
            // Closed without a GOAWAY we could read: still a connection error.
            return new Http2Outcome(null, null, null, ConnectionLost: true);
        }
    }

    private async Task<(byte Type, byte Flags, int StreamId, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var header = new byte[9];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return (header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF, payload);
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        tcp.Dispose();
    }

    private async Task WriteFrameAsync(byte type, byte flags, int streamId, byte[] payload) =>
        await stream.WriteAsync(Frame(type, flags, streamId, payload));

    private static byte[] Frame(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        return frame;
    }

    private static void WriteString(Stream output, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        WriteInteger(output, bytes.Length, 7, 0x00);
        output.Write(bytes);
    }

    /// <summary>An HPACK integer with an N-bit prefix (RFC 7541, 5.1).</summary>
    private static void WriteInteger(Stream output, int value, int prefixBits, byte firstByteFlags)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            output.WriteByte((byte)(firstByteFlags | value));
            return;
        }

        output.WriteByte((byte)(firstByteFlags | max));
        value -= max;
        while (value >= 128)
        {
            output.WriteByte((byte)((value % 128) + 128));
            value /= 128;
        }

        output.WriteByte((byte)value);
    }

    /// <summary>The <c>:status</c> a server puts first in its response header block.</summary>
    private static int? ReadStatus(byte[] payload, byte flags)
    {
        var block = payload.AsSpan();
        if ((flags & 0x8) != 0)
        {
            block = block[1..^payload[0]]; // PADDED
        }

        if ((flags & 0x20) != 0)
        {
            block = block[5..]; // PRIORITY
        }

        var first = block[0];
        if ((first & 0x80) != 0)
        {
            // Indexed field from the static table: 8..14 are :status 200 204 206 304 400 404 500.
            int[] statuses = [200, 204, 206, 304, 400, 404, 500];
            var index = first & 0x7F;
            return index is >= 8 and <= 14 ? statuses[index - 8] : null;
        }

        // A literal whose name is static entry 8..14 (:status), with a plain (not Huffman) value.
        var nameIndex = (first & 0x40) != 0 ? first & 0x3F : first & 0x0F;
        if (nameIndex is < 8 or > 14 || (block[1] & 0x80) != 0)
        {
            return null;
        }

        return int.Parse(Encoding.ASCII.GetString(block.Slice(2, block[1] & 0x7F)), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// How stream 1 ended: a response status, a stream reset, the connection going away (error codes of RFC 9113),
/// or the connection closing before a GOAWAY could be read.
/// </summary>
public sealed record Http2Outcome(int? Status, uint? ResetCode, uint? GoAwayCode, bool ConnectionLost = false)
{
    public const uint CompressionError = 0x9;
}
