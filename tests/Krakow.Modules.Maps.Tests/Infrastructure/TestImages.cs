using System.Buffers.Binary;
using System.Text;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>
/// Minimal images built byte by byte: just the headers a reader needs (signature, size), which is what the
/// platform inspects. Optionally padded with trailing bytes to a given total size.
/// </summary>
internal static class TestImages
{
    /// <summary>PNG: signature, IHDR (width, height, 8-bit RGB), an empty IDAT and IEND.</summary>
    public static byte[] Png(int width, int height, int totalSize = 0)
    {
        var bytes = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        AddPngChunk(bytes, "IHDR", ihdr);
        AddPngChunk(bytes, "IDAT", []);
        AddPngChunk(bytes, "IEND", []);
        return Padded(bytes, totalSize);
    }

    /// <summary>JPEG: SOI, a JFIF APP0 segment, an EXIF-sized APP1 segment to skip, SOF0 with the size, EOI.</summary>
    public static byte[] Jpeg(int width, int height, int totalSize = 0)
    {
        var bytes = new List<byte> { 0xFF, 0xD8 };
        bytes.AddRange([0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
        var app1 = new byte[1000];
        bytes.AddRange([0xFF, 0xE1, (byte)((app1.Length + 2) >> 8), (byte)((app1.Length + 2) & 0xFF)]);
        bytes.AddRange(app1);
        bytes.AddRange([0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
        bytes.AddRange([0xFF, 0xD9]);
        return Padded(bytes, totalSize);
    }

    /// <summary>Lossless WebP: RIFF, WEBP, a VP8L chunk whose 14-bit fields hold width−1 and height−1.</summary>
    public static byte[] WebPLossless(int width, int height)
    {
        var data = new byte[10];
        data[0] = 0x2F;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(1), (uint)((width - 1) | ((height - 1) << 14)));
        return Riff("VP8L", data);
    }

    /// <summary>Lossy WebP: a VP8 chunk with a key frame's start code and 14-bit width and height.</summary>
    public static byte[] WebPLossy(int width, int height)
    {
        var data = new byte[10];
        data[3] = 0x9D;
        data[4] = 0x01;
        data[5] = 0x2A;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(8), (ushort)height);
        return Riff("VP8 ", data);
    }

    /// <summary>Extended WebP: a VP8X chunk whose 24-bit fields hold the canvas width−1 and height−1.</summary>
    public static byte[] WebPExtended(int width, int height)
    {
        var data = new byte[10];
        data[4] = (byte)(width - 1);
        data[5] = (byte)((width - 1) >> 8);
        data[6] = (byte)((width - 1) >> 16);
        data[7] = (byte)(height - 1);
        data[8] = (byte)((height - 1) >> 8);
        data[9] = (byte)((height - 1) >> 16);
        return Riff("VP8X", data);
    }

    /// <summary>A text file with a .png name, as a spoofing client would send it.</summary>
    public static byte[] TextPretendingToBePng() => Encoding.UTF8.GetBytes("holiday-menu.png: this is not an image at all, just text.\n");

    private static byte[] Riff(string chunk, byte[] data)
    {
        var bytes = new List<byte>();
        bytes.AddRange("RIFF"u8.ToArray());
        bytes.AddRange(LittleEndian((uint)(4 + 8 + data.Length)));
        bytes.AddRange("WEBP"u8.ToArray());
        bytes.AddRange(Encoding.ASCII.GetBytes(chunk));
        bytes.AddRange(LittleEndian((uint)data.Length));
        bytes.AddRange(data);
        return [.. bytes];
    }

    private static void AddPngChunk(List<byte> bytes, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        bytes.AddRange(length);
        bytes.AddRange(Encoding.ASCII.GetBytes(type));
        bytes.AddRange(data);
        bytes.AddRange(new byte[4]); // CRC: not checked by a header reader
    }

    private static byte[] LittleEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Padded(List<byte> bytes, int totalSize)
    {
        while (bytes.Count < totalSize)
        {
            bytes.Add((byte)(bytes.Count * 31));
        }

        return [.. bytes];
    }
}
