namespace Krakow.Modules.Maps.Domain.Images;

/// <summary>
/// JPEG: after SOI, marker segments (0xFF, marker, big-endian length including itself) up to the first start of
/// frame (SOF0–SOF15 except DHT 0xC4, JPG 0xC8 and DAC 0xCC), whose data holds precision, height and width.
/// Reaching the scan (SOS) or the end (EOI) first means the image states no size.
/// </summary>
internal static class JpegHeader
{
    private const int StartOfScan = 0xDA;
    private const int EndOfImage = 0xD9;

    public static PixelSize? ReadSize(HeaderReader reader)
    {
        if (!reader.Skip(2))
        {
            return null;
        }

        while (true)
        {
            if (reader.ReadByte() != 0xFF)
            {
                return null;
            }

            var marker = reader.ReadByte();
            while (marker == 0xFF)
            {
                marker = reader.ReadByte(); // fill bytes
            }

            if (marker is null or StartOfScan or EndOfImage)
            {
                return null;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // TEM and RSTn stand alone, without a length
            }

            if (reader.ReadUInt16BigEndian() is not { } length || length < 2)
            {
                return null;
            }

            if (IsStartOfFrame(marker.Value))
            {
                if (length < 7 || reader.ReadByte() is null)
                {
                    return null;
                }

                var height = reader.ReadUInt16BigEndian();
                var width = reader.ReadUInt16BigEndian();
                return PixelSize.Checked(width, height);
            }

            if (!reader.Skip(length - 2))
            {
                return null;
            }
        }
    }

    private static bool IsStartOfFrame(int marker) => marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);
}
