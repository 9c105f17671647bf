namespace Krakow.Modules.Maps.Application.Images;

/// <summary>How large an offer image may be: bytes (<c>Maps:Images:MaxBytes</c>) and pixels a side (<c>Maps:Images:MaxPixels</c>).</summary>
internal sealed record ImageLimits(long MaxBytes, int MaxPixels)
{
    public const long DefaultMaxBytes = 5 * 1024 * 1024;

    public const int DefaultMaxPixels = 4096;
}
