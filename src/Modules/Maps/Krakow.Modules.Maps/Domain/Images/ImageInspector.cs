namespace Krakow.Modules.Maps.Domain.Images;

/// <summary>The outcome of reading an image's headers: what it is, or why it is not an acceptable image.</summary>
internal sealed record ImageInspection(ImageHeader? Header, string? Problem)
{
    public static ImageInspection Of(ImageHeader header) => new(header, null);

    public static ImageInspection Refused(string problem) => new(null, problem);
}

/// <summary>
/// Recognises an image by its content and reads its pixel size from the format's own headers (PNG IHDR, JPEG
/// SOFn, WebP VP8/VP8L/VP8X), without decoding it. Only the headers are read, with every length checked against
/// the stream, so a malicious file cannot make it read far or loop.
/// </summary>
internal static class ImageInspector
{
    public static ImageInspection Inspect(Stream image, int maxPixelsPerSide)
    {
        var leading = new byte[ImageFormats.SignatureLength];
        image.Position = 0;
        var read = image.ReadAtLeast(leading, leading.Length, throwOnEndOfStream: false);
        var format = ImageFormats.Recognize(leading.AsSpan(0, read));
        if (format is null)
        {
            return ImageInspection.Refused("is not a PNG, JPEG or WebP image (recognised by its content, not its name)");
        }

        image.Position = 0;
        var reader = new HeaderReader(image);
        var size = format switch
        {
            ImageFormat.Png => PngHeader.ReadSize(reader),
            ImageFormat.Jpeg => JpegHeader.ReadSize(reader),
            _ => WebPHeader.ReadSize(reader),
        };
        if (size is not { } pixels || pixels.Width <= 0 || pixels.Height <= 0)
        {
            return ImageInspection.Refused($"is a damaged {format.Value.ContentType()} image: its size cannot be read from its header");
        }

        if (pixels.Width > maxPixelsPerSide || pixels.Height > maxPixelsPerSide)
        {
            return ImageInspection.Refused($"is {pixels.Width}×{pixels.Height} px; images may be at most {maxPixelsPerSide} px a side");
        }

        return ImageInspection.Of(new ImageHeader(format.Value, pixels.Width, pixels.Height));
    }
}
