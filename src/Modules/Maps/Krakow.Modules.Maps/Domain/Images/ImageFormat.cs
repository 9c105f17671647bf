namespace Krakow.Modules.Maps.Domain.Images;

/// <summary>The image formats an offer image may have.</summary>
internal enum ImageFormat
{
    Png = 1,
    Jpeg = 2,
    WebP = 3,
}

/// <summary>What an image's bytes say it is: its format and its size in pixels.</summary>
internal sealed record ImageHeader(ImageFormat Format, int Width, int Height)
{
    public string ContentType => Format.ContentType();
}

internal static class ImageFormats
{
    /// <summary>Enough leading bytes to recognise every format (WebP needs the most: "RIFF", size, "WEBP").</summary>
    public const int SignatureLength = 12;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static string ContentType(this ImageFormat format) => format switch
    {
        ImageFormat.Png => "image/png",
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.WebP => "image/webp",
        _ => "application/octet-stream",
    };

    /// <summary>The format the leading bytes announce (their magic numbers), or null; names and extensions play no part.</summary>
    public static ImageFormat? Recognize(ReadOnlySpan<byte> leading)
    {
        if (leading.StartsWith(PngSignature))
        {
            return ImageFormat.Png;
        }

        if (leading.Length >= 3 && leading[0] == 0xFF && leading[1] == 0xD8 && leading[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (leading.Length >= SignatureLength && leading[..4].SequenceEqual("RIFF"u8) && leading[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        return null;
    }
}
