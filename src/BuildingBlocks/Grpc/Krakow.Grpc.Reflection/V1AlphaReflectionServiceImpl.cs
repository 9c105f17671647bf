using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.Internal;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace Grpc.Reflection;

/// <summary>
/// Server reflection, <c>grpc.reflection.v1alpha.ServerReflection</c>, for clients that only speak the first version
/// of the protocol. Its messages are identical to v1's on the wire, so each request is re-read as v1, answered by the
/// same code as <see cref="ReflectionServiceImpl"/>, and the answer re-read as v1alpha.
/// </summary>
public class V1AlphaReflectionServiceImpl : V1Alpha.ServerReflection.ServerReflectionBase
{
    private readonly Func<ReflectionSnapshot> snapshot;

    /// <summary>Reflection over a fixed set of services.</summary>
    public V1AlphaReflectionServiceImpl(IEnumerable<ServiceDescriptor> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var fixedSnapshot = ReflectionSnapshot.FromDescriptors(services);
        snapshot = () => fixedSnapshot;
    }

    internal V1AlphaReflectionServiceImpl(Func<ReflectionSnapshot> snapshot) => this.snapshot = snapshot;

    public override async Task ServerReflectionInfo(
        IAsyncStreamReader<V1Alpha.ServerReflectionRequest> requestStream,
        IServerStreamWriter<V1Alpha.ServerReflectionResponse> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var request = V1.ServerReflectionRequest.Parser.ParseFrom(requestStream.Current.ToByteString());
            var response = ReflectionResponder.Respond(request, snapshot());
            await responseStream.WriteAsync(V1Alpha.ServerReflectionResponse.Parser.ParseFrom(response.ToByteString())).ConfigureAwait(false);
        }
    }
}
