using Grpc.Core;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Domain.Images;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Images;

/// <summary>A stored image and its bytes, opened for reading.</summary>
internal sealed record OpenedImage(OfferImage Image, Stream Content);

/// <summary>Stored offer images, read by content address: public, as they are shown on the maps.</summary>
internal sealed class OfferImageLibrary(MapsDbContext db, IImageBlobStore blobs)
{
    /// <summary>INVALID_ARGUMENT for a malformed id, NOT_FOUND for an unknown one.</summary>
    public async Task<OpenedImage> OpenAsync(string imageId, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        violations.Require(ImageId.IsValid(imageId), "image_id", "must be an image's SHA-256 in lower-case hex (64 characters)");
        violations.ThrowIfAny();
        return await TryOpenAsync(imageId, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No offer image '{imageId}'."));
    }

    /// <summary>The image, or null when no image has this id (or its bytes are gone).</summary>
    public async Task<OpenedImage?> TryOpenAsync(string imageId, CancellationToken cancellationToken)
    {
        var image = await db.OfferImages.AsNoTracking().FirstOrDefaultAsync(i => i.Id == imageId, cancellationToken);
        return image is not null && blobs.OpenRead(imageId) is { } content ? new OpenedImage(image, content) : null;
    }
}
