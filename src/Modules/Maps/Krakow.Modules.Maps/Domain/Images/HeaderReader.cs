using System.Buffers.Binary;

namespace Krakow.Modules.Maps.Domain.Images;

/// <summary>Reads fixed-size header fields from a seekable stream; every read reports running out of bytes instead of throwing.</summary>
internal sealed class HeaderReader(Stream stream)
{
    private readonly byte[] buffer = new byte[8];

    public long Position => stream.Position;

    public long Length => stream.Length;

    public bool Skip(long count)
    {
        if (count < 0 || stream.Position + count > stream.Length)
        {
            return false;
        }

        stream.Position += count;
        return true;
    }

    public bool TryRead(Span<byte> destination) => stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false) == destination.Length;

    public int? ReadByte() => stream.ReadByte() is var b and >= 0 ? b : null;

    public int? ReadUInt16BigEndian() => TryRead(buffer.AsSpan(0, 2)) ? BinaryPrimitives.ReadUInt16BigEndian(buffer) : null;

    public long? ReadUInt32BigEndian() => TryRead(buffer.AsSpan(0, 4)) ? BinaryPrimitives.ReadUInt32BigEndian(buffer) : null;

    public int? ReadUInt16LittleEndian() => TryRead(buffer.AsSpan(0, 2)) ? BinaryPrimitives.ReadUInt16LittleEndian(buffer) : null;

    public int? ReadUInt24LittleEndian() => TryRead(buffer.AsSpan(0, 3)) ? buffer[0] | (buffer[1] << 8) | (buffer[2] << 16) : null;

    public long? ReadUInt32LittleEndian() => TryRead(buffer.AsSpan(0, 4)) ? BinaryPrimitives.ReadUInt32LittleEndian(buffer) : null;

    public bool Expect(ReadOnlySpan<byte> expected)
    {
        Span<byte> actual = stackalloc byte[expected.Length];
        return TryRead(actual) && actual.SequenceEqual(expected);
    }
}

/// <summary>A width and height in pixels as a header states them (not yet checked against limits).</summary>
internal readonly record struct PixelSize(int Width, int Height)
{
    /// <summary>Null unless both sides are positive and fit an int.</summary>
    public static PixelSize? Checked(long? width, long? height) =>
        width is { } w and > 0 and <= int.MaxValue && height is { } h and > 0 and <= int.MaxValue ? new PixelSize((int)w, (int)h) : null;
}
