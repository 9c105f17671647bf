using Google.Protobuf;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Infrastructure;

namespace Krakow.Modules.Maps.Tests.Images;

/// <summary>Drives UploadOfferImage as a client would: a header, then chunks.</summary>
internal static class ImageUploads
{
    public static UploadOfferImageRequest Header(string applicationId, string editToken, long totalSize) =>
        new() { Header = new UploadOfferImageRequest.Types.UploadHeader { ApplicationId = applicationId, EditToken = editToken, TotalSize = totalSize } };

    public static UploadOfferImageRequest Chunk(byte[] bytes, int offset, int count) =>
        new() { Chunk = new UploadOfferImageRequest.Types.UploadChunk { Offset = offset, Data = ByteString.CopyFrom(bytes, offset, count) } };

    /// <summary>The header and the image in chunks of <paramref name="chunkSize"/> bytes, in order.</summary>
    public static IEnumerable<UploadOfferImageRequest> InChunks(string applicationId, string editToken, byte[] image, int chunkSize = 16 * 1024, long? declaredSize = null)
    {
        yield return Header(applicationId, editToken, declaredSize ?? image.Length);
        for (var offset = 0; offset < image.Length; offset += chunkSize)
        {
            yield return Chunk(image, offset, Math.Min(chunkSize, image.Length - offset));
        }
    }

    /// <summary>
    /// Sends the messages and completes the stream, then returns the call's outcome. The server may answer (and end
    /// the call) before it has read everything; writes after that fail, which is what a refused upload looks like.
    /// </summary>
    public static async Task<OfferImage> SendAsync(MapsHost host, IEnumerable<UploadOfferImageRequest> messages)
    {
        using var call = host.Applications.UploadOfferImage();
        try
        {
            foreach (var message in messages)
            {
                await call.RequestStream.WriteAsync(message);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            // The server has already answered: the response below says why.
        }

        return await call.ResponseAsync;
    }

    public static Task<OfferImage> UploadAsync(MapsHost host, string applicationId, string editToken, byte[] image, int chunkSize = 16 * 1024) =>
        SendAsync(host, InChunks(applicationId, editToken, image, chunkSize));
}
