using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Application.Applications;
using Krakow.Modules.Maps.Domain.Images;
using Krakow.Modules.Maps.Infrastructure;
using Krakow.Plugins.Sdk;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Images;

internal sealed record UploadHeader(string ApplicationId, string EditToken, long TotalSize);

internal sealed record UploadChunk(long Offset, ReadOnlyMemory<byte> Data);

/// <summary>One message of an upload: its header, or a chunk (neither: a message that carries nothing).</summary>
internal sealed record UploadPart(UploadHeader? Header, UploadChunk? Chunk);

/// <summary>
/// Receiving an offer image. The header is checked before any byte is read: the size limit (INVALID_ARGUMENT on
/// header.total_size), the edit token (NOT_FOUND), the application still open and its campaign accepting offer
/// images (FAILED_PRECONDITION). Chunks must continue exactly where the last one ended (INVALID_ARGUMENT on
/// chunk.offset) and stop at the declared size (INVALID_ARGUMENT on chunk.data, at the first byte too many); bytes
/// that are not PNG, JPEG or WebP are refused as soon as the first 12 have arrived. When the bytes are complete the
/// pixel size is read from the image's header. Only then is the image moved under its content address and
/// attached to the application (and its listings), in one transaction, letting go of the image it replaces
/// (<see cref="ReplacedImages"/>). A caller that stops sending is cut off (<see cref="ImageLimits.StallTimeout"/>).
/// </summary>
internal sealed class OfferImageUpload(
    MapsDbContext db,
    ApplicationAccess access,
    CampaignGate campaigns,
    ListingSync listings,
    IImageBlobStore blobs,
    ReplacedImages replaced,
    ImageLimits limits,
    TimeProvider clock)
{
    /// <summary>
    /// Receives the upload: the header first, then the chunks. A caller that stops sending is cut off
    /// (DEADLINE_EXCEEDED): Kestrel's minimum data rate does not apply to a streaming call, and an open upload holds
    /// a file.
    /// </summary>
    public async Task<OfferImage> UploadAsync(IAsyncEnumerable<UploadPart> parts, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var startedAt = Stopwatch.GetTimestamp();
        void AwaitNextPart()
        {
            var left = limits.UploadTimeout - Stopwatch.GetElapsedTime(startedAt);
            waiting.CancelAfter(left > TimeSpan.Zero ? (left < limits.StallTimeout ? left : limits.StallTimeout) : TimeSpan.Zero);
        }

        try
        {
            await using var messages = parts.GetAsyncEnumerator(waiting.Token);
            AwaitNextPart();
            if (!await messages.MoveNextAsync() || messages.Current.Header is not { } header)
            {
                throw Invalid("header", "the first message must carry the header (application_id, edit_token, total_size)");
            }

            CheckHeader(header);
            var imageFieldId = await CheckApplicationAsync(header, cancellationToken);
            await using var pending = blobs.BeginWrite();
            AwaitNextPart();
            await ReceiveAsync(pending, header.TotalSize, messages, AwaitNextPart, waiting.Token);
            waiting.CancelAfter(Timeout.InfiniteTimeSpan);
            return await StoreAsync(header, pending, imageFieldId, cancellationToken);
        }
        catch (OperationCanceledException) when (waiting.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Grpc.Core.Status(
                StatusCode.DeadlineExceeded,
                $"The upload was cut off: each chunk must follow the last within {limits.StallTimeout.TotalSeconds:0} s, and the whole image arrive within {limits.UploadTimeout.TotalSeconds:0} s. Nothing was kept; upload it again."));
        }
    }

    /// <summary>Checks the received bytes are an image within the limits, then stores and attaches it.</summary>
    private async Task<OfferImage> StoreAsync(UploadHeader header, IPendingImage pending, string imageFieldId, CancellationToken cancellationToken)
    {
        var inspection = ImageInspector.Inspect(pending.Content, limits.MaxPixels);
        if (inspection.Header is not { } image)
        {
            throw Invalid("chunk.data", "The image " + inspection.Problem);
        }

        var imageId = pending.ComputeId();
        await pending.CommitAsync(imageId, cancellationToken);
        var attached = await AttachAsync(header, imageId, image, pending.Length, imageFieldId, cancellationToken);

        // Another application may have let go of the same bytes between the two steps: put ours back if so.
        await pending.CommitAsync(imageId, CancellationToken.None);
        return attached;
    }

    private void CheckHeader(UploadHeader header)
    {
        var violations = new FieldViolations();
        violations.Require(header.ApplicationId.Length > 0, "header.application_id", "is required");
        violations.Require(header.EditToken.Length > 0, "header.edit_token", "is required");
        if (violations.Require(header.TotalSize > 0, "header.total_size", "must be the image's size in bytes"))
        {
            violations.Require(header.TotalSize <= limits.MaxBytes, "header.total_size", $"is {header.TotalSize} bytes; offer images may be at most {limits.MaxBytes} bytes");
        }

        violations.ThrowIfAny();
    }

    /// <summary>Returns the survey question the image answers.</summary>
    private async Task<string> CheckApplicationAsync(UploadHeader header, CancellationToken cancellationToken)
    {
        var application = await access.FindAsync(header.ApplicationId, header.EditToken, cancellationToken);
        StateTransitions.Apply(() => application.EnsureNotFinal("given an image"));
        var campaign = campaigns.RequireLoaded(application.CampaignId);
        if (!campaign.Definition.AcceptsOfferImage)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"Campaign '{campaign.Id}' does not accept offer images."));
        }

        // Receiving may take a while: the application is read afresh when the image is attached.
        db.ChangeTracker.Clear();
        return campaign.Definition.Survey.Fields.FirstOrDefault(f => f.Type == FieldType.Image)?.Id ?? StandardFields.OfferImage;
    }

    /// <summary>Writes the chunks that follow the header to <paramref name="pending"/>, checking them as they come.</summary>
    private static async Task ReceiveAsync(IPendingImage pending, long totalSize, IAsyncEnumerator<UploadPart> messages, Action partReceived, CancellationToken cancellationToken)
    {
        var leading = new byte[ImageFormats.SignatureLength];
        var recognised = false;
        while (await messages.MoveNextAsync())
        {
            partReceived();
            if (messages.Current.Chunk is not { } chunk)
            {
                throw Invalid("chunk", "every message after the header must carry a chunk");
            }

            var received = pending.Length;
            if (chunk.Offset != received)
            {
                throw Invalid("chunk.offset", $"is {chunk.Offset}, but the next chunk must start at offset {received}: chunks come in order, without gaps or overlaps");
            }

            if (received + chunk.Data.Length > totalSize)
            {
                throw Invalid("chunk.data", $"runs past the declared total_size of {totalSize} bytes");
            }

            if (received < leading.Length)
            {
                var take = (int)Math.Min(leading.Length - received, chunk.Data.Length);
                chunk.Data.Span[..take].CopyTo(leading.AsSpan((int)received));
            }

            await pending.WriteAsync(chunk.Data, cancellationToken);
            var known = (int)Math.Min(pending.Length, leading.Length);
            if (!recognised && (known == leading.Length || pending.Length == totalSize))
            {
                if (ImageFormats.Recognize(leading.AsSpan(0, known)) is null)
                {
                    throw Invalid("chunk.data", "The image is not a PNG, JPEG or WebP image (recognised by its content, not its name)");
                }

                recognised = true;
            }
        }

        if (pending.Length != totalSize)
        {
            throw Invalid("header.total_size", $"declares {totalSize} bytes, but the upload ended after {pending.Length}");
        }
    }

    private async Task<OfferImage> AttachAsync(UploadHeader header, string imageId, ImageHeader image, long size, string imageFieldId, CancellationToken cancellationToken)
    {
        var (stored, released) = await ConcurrentChanges.RetryAsync(db, async () =>
        {
            var application = await access.FindAsync(header.ApplicationId, header.EditToken, cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            var stored = await db.OfferImages.FirstOrDefaultAsync(i => i.Id == imageId, cancellationToken);
            if (stored is null)
            {
                stored = OfferImage.Create(imageId, image, size, now);
                db.OfferImages.Add(stored);
            }

            if (!await db.ApplicationImages.AnyAsync(l => l.ApplicationId == application.Id && l.ImageId == imageId, cancellationToken))
            {
                db.ApplicationImages.Add(ApplicationImage.Link(application.Id, imageId, now));
            }

            var previous = application.OfferImageId;
            StateTransitions.Apply(() => application.AttachOfferImage(imageId, imageFieldId, now));
            var released = await replaced.StageAsync(application.Id, previous, imageId, cancellationToken);
            await listings.SyncAsync(application, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return (stored, released);
        }, cancellationToken);
        await replaced.DeleteFileAsync(released);
        return stored;
    }

    private static RpcException Invalid(string field, string description)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return RpcStatusExtensions.CreateRpcStatus(StatusCode.InvalidArgument, $"{field}: {description}", badRequest).ToRpcException();
    }
}
