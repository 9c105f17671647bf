using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Google.Protobuf;

namespace Krakow.Grpc.Tests.Runtime.Infrastructure;

/// <summary>One length-prefixed message of a gRPC body: its flag byte (0, 1 compressed, 0x80 gRPC-Web trailers) and payload.</summary>
public sealed record GrpcFrame(byte Flag, byte[] Payload);

/// <summary>Builds and parses the bytes of gRPC bodies by hand, independently of the runtime's own framing.</summary>
public static class GrpcFrames
{
    public const byte Uncompressed = 0;
    public const byte Compressed = 1;
    public const byte WebTrailers = 0x80;

    /// <summary>The 5-byte prefix: flag, then the big-endian length (which need not match what follows).</summary>
    public static byte[] Header(byte flag, uint length)
    {
        var header = new byte[5];
        header[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    public static byte[] Frame(byte[] payload, byte flag = Uncompressed) => [.. Header(flag, (uint)payload.Length), .. payload];

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Splits a whole body into frames; fails on a truncated frame.</summary>
    public static IReadOnlyList<GrpcFrame> Parse(ReadOnlySpan<byte> body)
    {
        var frames = new List<GrpcFrame>();
        while (body.Length > 0)
        {
            if (body.Length < 5)
            {
                throw new InvalidDataException($"A frame header is cut short ({body.Length} bytes left).");
            }

            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
            if (body.Length < 5 + length)
            {
                throw new InvalidDataException($"A frame declares {length} bytes but {body.Length - 5} follow.");
            }

            frames.Add(new GrpcFrame(body[0], body.Slice(5, length).ToArray()));
            body = body[(5 + length)..];
        }

        return frames;
    }

    /// <summary>Reads the next frame from a response stream, or null at its end.</summary>
    public static async Task<GrpcFrame?> ReadFrameAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var header = new byte[5];
        var read = await stream.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        if (read < 5)
        {
            throw new InvalidDataException("The stream ended inside a frame header.");
        }

        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return new GrpcFrame(header[0], payload);
    }

    /// <summary>The <c>name: value</c> lines of a gRPC-Web trailer frame.</summary>
    public static IReadOnlyDictionary<string, string> ParseWebTrailers(GrpcFrame frame)
    {
        var trailers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in Encoding.ASCII.GetString(frame.Payload).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            trailers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return trailers;
    }

    /// <summary>
    /// Decodes a gRPC-Web text body: base64 chunks, each possibly padded, one after the other. Each 4-character
    /// quantum decodes on its own, so padding in the middle is fine.
    /// </summary>
    public static byte[] DecodeBase64Chunks(string text)
    {
        if (text.Length % 4 != 0)
        {
            throw new InvalidDataException($"A gRPC-Web text body of {text.Length} characters is not whole base64 quanta.");
        }

        var output = new List<byte>();
        for (var i = 0; i < text.Length; i += 4)
        {
            output.AddRange(Convert.FromBase64String(text.Substring(i, 4)));
        }

        return [.. output];
    }

    /// <summary>Decodes a percent-encoded grpc-message: %XX are UTF-8 bytes, anything else is itself.</summary>
    public static string PercentDecode(string value)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
