namespace Grpc.Net.Client.Web;

/// <summary>The gRPC-Web wire format a <see cref="GrpcWebHandler"/> speaks.</summary>
public enum GrpcWebMode
{
    /// <summary><c>application/grpc-web</c>: binary frames, as gRPC.</summary>
    GrpcWeb,

    /// <summary><c>application/grpc-web-text</c>: the same frames, base64-encoded in both directions.</summary>
    GrpcWebText,
}
