using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.Internal;
using V1 = Grpc.Reflection.V1;

namespace Grpc.Reflection;

/// <summary>
/// Server reflection, <c>grpc.reflection.v1.ServerReflection</c>: lists the server's services and serves the proto
/// files that describe them (with their imports), so tools such as grpcurl need no .proto files.
/// </summary>
/// <remarks>
/// Registered by <c>AddGrpcReflection()</c> it reads the live endpoints on every request; created with a list of
/// descriptors it describes exactly those. Unknown files, symbols and types are answered with an
/// <c>error_response</c> of code NOT_FOUND; the stream stays open.
/// </remarks>
public class ReflectionServiceImpl : V1.ServerReflection.ServerReflectionBase
{
    private readonly Func<ReflectionSnapshot> snapshot;

    /// <summary>Reflection over a fixed set of services.</summary>
    public ReflectionServiceImpl(IEnumerable<ServiceDescriptor> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var fixedSnapshot = ReflectionSnapshot.FromDescriptors(services);
        snapshot = () => fixedSnapshot;
    }

    internal ReflectionServiceImpl(Func<ReflectionSnapshot> snapshot) => this.snapshot = snapshot;

    public override async Task ServerReflectionInfo(
        IAsyncStreamReader<V1.ServerReflectionRequest> requestStream,
        IServerStreamWriter<V1.ServerReflectionResponse> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(ReflectionResponder.Respond(requestStream.Current, snapshot())).ConfigureAwait(false);
        }
    }
}
