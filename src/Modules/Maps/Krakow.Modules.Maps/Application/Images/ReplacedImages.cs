using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Application.Images;

/// <summary>
/// Lets go of the offer image an application stops showing (a new upload, or an edit that names another image), so
/// replacing an image again and again keeps one, not all of them: the application's link to the old image goes in
/// the same transaction as the change, and the image itself (row and file) when no other application links it (the
/// same bytes uploaded elsewhere, or a re-confirmed entry of the next season, keep it). The file is deleted only
/// after the transaction has committed, and only while no row names the image again.
/// </summary>
internal sealed partial class ReplacedImages(MapsDbContext db, IImageBlobStore blobs, ILogger<ReplacedImages> logger)
{
    /// <summary>Stages the release of <paramref name="previousImageId"/>; returns the image to delete once saved, or null.</summary>
    public async Task<string?> StageAsync(string applicationId, string previousImageId, string currentImageId, CancellationToken cancellationToken)
    {
        if (previousImageId.Length == 0 || previousImageId == currentImageId)
        {
            return null;
        }

        var link = await db.ApplicationImages.FirstOrDefaultAsync(l => l.ApplicationId == applicationId && l.ImageId == previousImageId, cancellationToken);
        if (link is not null)
        {
            db.ApplicationImages.Remove(link);
        }

        if (await db.ApplicationImages.AnyAsync(l => l.ImageId == previousImageId && l.ApplicationId != applicationId, cancellationToken)
            || await db.OfferImages.FirstOrDefaultAsync(i => i.Id == previousImageId, cancellationToken) is not { } image)
        {
            return null;
        }

        db.OfferImages.Remove(image);
        return previousImageId;
    }

    /// <summary>
    /// Deletes the file of an image whose row is gone, unless an upload of the same bytes has saved a row again since
    /// (that upload also puts its own copy back after saving); a failure leaves an orphan file, logged.
    /// </summary>
    public async Task DeleteFileAsync(string? imageId)
    {
        if (imageId is null || await db.OfferImages.AnyAsync(i => i.Id == imageId, CancellationToken.None))
        {
            return;
        }

        try
        {
            blobs.Delete(imageId);
        }
        catch (IOException ex)
        {
            LogNotDeleted(ex, imageId);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The file of released offer image {ImageId} could not be deleted; it is orphaned")]
    private partial void LogNotDeleted(Exception exception, string imageId);
}
