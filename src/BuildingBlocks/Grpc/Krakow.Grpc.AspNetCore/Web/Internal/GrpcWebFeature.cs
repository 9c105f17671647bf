namespace Grpc.AspNetCore.Web.Internal;

/// <summary>Marks a request that arrived as gRPC-Web, so the call writes its trailers into the body.</summary>
internal sealed class GrpcWebFeature(GrpcWebMode mode, string responseContentType)
{
    public GrpcWebMode Mode { get; } = mode;

    public string ResponseContentType { get; } = responseContentType;
}

internal enum GrpcWebMode
{
    GrpcWeb,
    GrpcWebText,
}
