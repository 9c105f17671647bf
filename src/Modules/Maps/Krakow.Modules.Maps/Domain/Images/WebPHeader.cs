namespace Krakow.Modules.Maps.Domain.Images;

/// <summary>
/// WebP: "RIFF", size, "WEBP", then the first chunk: VP8 (lossy: frame tag, start code 9D 01 2A, 14-bit width and
/// height), VP8L (lossless: signature 0x2F, then width−1 and height−1 in 14 bits each) or VP8X (extended: flags,
/// then canvas width−1 and height−1 in 24 bits each). All little-endian.
/// </summary>
internal static class WebPHeader
{
    public static PixelSize? ReadSize(HeaderReader reader)
    {
        if (!reader.Skip(12))
        {
            return null;
        }

        Span<byte> fourCc = stackalloc byte[4];
        if (!reader.TryRead(fourCc) || reader.ReadUInt32LittleEndian() is not { } chunkSize || chunkSize < 10)
        {
            return null;
        }

        if (fourCc.SequenceEqual("VP8 "u8))
        {
            if (!reader.Skip(3) || !reader.Expect([0x9D, 0x01, 0x2A]))
            {
                return null;
            }

            var width = reader.ReadUInt16LittleEndian() & 0x3FFF;
            var height = reader.ReadUInt16LittleEndian() & 0x3FFF;
            return PixelSize.Checked(width, height);
        }

        if (fourCc.SequenceEqual("VP8L"u8))
        {
            if (reader.ReadByte() != 0x2F || reader.ReadUInt32LittleEndian() is not { } bits)
            {
                return null;
            }

            return PixelSize.Checked((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }

        if (fourCc.SequenceEqual("VP8X"u8))
        {
            if (!reader.Skip(4))
            {
                return null;
            }

            var width = reader.ReadUInt24LittleEndian() + 1;
            var height = reader.ReadUInt24LittleEndian() + 1;
            return PixelSize.Checked(width, height);
        }

        return null;
    }
}
