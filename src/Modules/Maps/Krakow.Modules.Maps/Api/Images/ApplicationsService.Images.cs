using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Api.Images;
using Krakow.Modules.Maps.Application.Images;
using Krakow.Modules.Maps.Domain.Images;
using Microsoft.AspNetCore.RateLimiting;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Applications;

/// <summary>
/// The offer image methods of krakow.maps.v1.Applications: upload in chunks, read back in chunks. (A part of
/// <see cref="ApplicationsService"/>, kept with the other image endpoints.)
/// </summary>
internal sealed partial class ApplicationsService
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>The first message must be the header; every later one a chunk (anything else is INVALID_ARGUMENT).</summary>
    [EnableRateLimiting(RateLimitPolicies.Writes)]
    public override async Task<V1.OfferImage> UploadOfferImage(IAsyncStreamReader<V1.UploadOfferImageRequest> requestStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await HeaderArrivesAsync(requestStream, cancellationToken) || requestStream.Current.PartCase != V1.UploadOfferImageRequest.PartOneofCase.Header)
        {
            new FieldViolations().Add("header", "the first message must carry the header (application_id, edit_token, total_size)").ThrowIfAny();
        }

        var header = requestStream.Current.Header;
        var image = await upload.UploadAsync(
            new UploadHeader(header.ApplicationId, header.EditToken, header.TotalSize),
            ChunksOf(requestStream, cancellationToken),
            cancellationToken);
        return ToProto(image);
    }

    [EnableRateLimiting(RateLimitPolicies.Streams)]
    public override async Task GetOfferImage(V1.GetOfferImageRequest request, IServerStreamWriter<V1.OfferImageChunk> responseStream, ServerCallContext context)
    {
        var opened = await images.OpenAsync(request.ImageId, context.CancellationToken);
        await using var content = opened.Content;
        var buffer = new byte[ChunkSize];
        var first = true;
        int read;
        while ((read = await content.ReadAsync(buffer, context.CancellationToken)) > 0 || first)
        {
            var chunk = new V1.OfferImageChunk { Data = ByteString.CopyFrom(buffer, 0, read) };
            if (first)
            {
                chunk.Image = ToProto(opened.Image);
                first = false;
            }

            await responseStream.WriteAsync(chunk, context.CancellationToken);
        }
    }

    private static V1.OfferImage ToProto(OfferImage image) => new()
    {
        ImageId = image.Id,
        ContentType = image.ContentType,
        Size = image.Size,
        Width = image.Width,
        Height = image.Height,
        UrlPath = OfferImageEndpoint.PathOf(image.Id),
    };

    /// <summary>Reads the first message, within the wait allowed for any chunk.</summary>
    private async Task<bool> HeaderArrivesAsync(IAsyncStreamReader<V1.UploadOfferImageRequest> requestStream, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waiting.CancelAfter(imageLimits.StallTimeout);
        try
        {
            return await requestStream.MoveNext(waiting.Token);
        }
        catch (OperationCanceledException) when (waiting.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw OfferImageUpload.CutOff(imageLimits);
        }
    }

    private static async IAsyncEnumerable<UploadChunk> ChunksOf(
        IAsyncStreamReader<V1.UploadOfferImageRequest> requestStream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await requestStream.MoveNext(cancellationToken))
        {
            if (requestStream.Current.PartCase != V1.UploadOfferImageRequest.PartOneofCase.Chunk)
            {
                new FieldViolations().Add("chunk", "every message after the header must carry a chunk").ThrowIfAny();
            }

            var chunk = requestStream.Current.Chunk;
            yield return new UploadChunk(chunk.Offset, chunk.Data.Memory);
        }
    }
}
