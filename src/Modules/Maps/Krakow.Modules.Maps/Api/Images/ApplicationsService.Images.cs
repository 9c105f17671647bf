using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Krakow.BuildingBlocks.Security;
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
    public override async Task<V1.OfferImage> UploadOfferImage(IAsyncStreamReader<V1.UploadOfferImageRequest> requestStream, ServerCallContext context) =>
        ToProto(await upload.UploadAsync(PartsOf(requestStream), context.CancellationToken));

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

    private static async IAsyncEnumerable<UploadPart> PartsOf(
        IAsyncStreamReader<V1.UploadOfferImageRequest> requestStream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await requestStream.MoveNext(cancellationToken))
        {
            var message = requestStream.Current;
            yield return message.PartCase switch
            {
                V1.UploadOfferImageRequest.PartOneofCase.Header =>
                    new UploadPart(new UploadHeader(message.Header.ApplicationId, message.Header.EditToken, message.Header.TotalSize), null),
                V1.UploadOfferImageRequest.PartOneofCase.Chunk => new UploadPart(null, new UploadChunk(message.Chunk.Offset, message.Chunk.Data.Memory)),
                _ => new UploadPart(null, null),
            };
        }
    }
}
