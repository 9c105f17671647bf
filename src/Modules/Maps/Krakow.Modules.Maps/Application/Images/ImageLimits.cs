namespace Krakow.Modules.Maps.Application.Images;

/// <summary>
/// How large an offer image may be: bytes (<c>Maps:Images:MaxBytes</c>) and pixels a side (<c>Maps:Images:MaxPixels</c>);
/// and how long its upload may hold a connection and a partial file: the wait for each chunk
/// (<c>Maps:Images:StallSeconds</c>) and the whole upload (<c>Maps:Images:UploadSeconds</c>).
/// </summary>
internal sealed record ImageLimits(long MaxBytes, int MaxPixels, TimeSpan StallTimeout, TimeSpan UploadTimeout)
{
    public const long DefaultMaxBytes = 5 * 1024 * 1024;

    public const int DefaultMaxPixels = 4096;

    public const int DefaultStallSeconds = 30;

    public const int DefaultUploadSeconds = 300;
}
