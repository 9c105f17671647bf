namespace Krakow.Modules.Maps.Domain.Images;

/// <summary>PNG: the 8-byte signature, then the IHDR chunk first (length 13), whose data starts with width and height (big-endian).</summary>
internal static class PngHeader
{
    public static PixelSize? ReadSize(HeaderReader reader)
    {
        if (!reader.Skip(8) || reader.ReadUInt32BigEndian() != 13 || !reader.Expect("IHDR"u8))
        {
            return null;
        }

        var width = reader.ReadUInt32BigEndian();
        var height = reader.ReadUInt32BigEndian();
        return PixelSize.Checked(width, height);
    }
}
