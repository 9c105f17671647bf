namespace Krakow.Modules.Maps.Domain.Images;

/// <summary>
/// A stored offer image (a collage, a holiday menu, vouchers): its content address, what it is and its size. The
/// bytes live in the blob folder, not in the database. One image may belong to several applications.
/// </summary>
internal sealed class OfferImage
{
    private OfferImage()
    {
    }

    /// <summary>SHA-256 of the bytes, lower-case hex.</summary>
    public string Id { get; private set; } = string.Empty;

    public string ContentType { get; private set; } = string.Empty;

    public long Size { get; private set; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public static OfferImage Create(string id, ImageHeader header, long size, DateTime now) => new()
    {
        Id = id,
        ContentType = header.ContentType,
        Size = size,
        Width = header.Width,
        Height = header.Height,
        CreatedAt = now,
    };
}

/// <summary>An image uploaded to an application: image answers of that application may name only these.</summary>
internal sealed class ApplicationImage
{
    private ApplicationImage()
    {
    }

    public string ApplicationId { get; private set; } = string.Empty;

    public string ImageId { get; private set; } = string.Empty;

    public DateTime UploadedAt { get; private set; }

    public static ApplicationImage Link(string applicationId, string imageId, DateTime now) =>
        new() { ApplicationId = applicationId, ImageId = imageId, UploadedAt = now };
}
