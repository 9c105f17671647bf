using Grpc.Core;

namespace Grpc.AspNetCore.Server;

/// <summary>Endpoint metadata of a gRPC method: the implementing service type and the method.</summary>
public sealed class GrpcMethodMetadata(Type serviceType, IMethod method)
{
    public Type ServiceType { get; } = serviceType;

    public IMethod Method { get; } = method;
}
