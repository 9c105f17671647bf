using Grpc.AspNetCore.Server;
using Grpc.Reflection;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps gRPC server reflection.</summary>
public static class GrpcReflectionEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>grpc.reflection.v1.ServerReflection</c> and <c>grpc.reflection.v1alpha.ServerReflection</c>; register
    /// them first with <c>AddGrpcReflection()</c>. Conventions added to the result (for example
    /// <c>RequireAuthorization()</c>) apply to both; disposing it unmaps both.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcReflectionService(this IEndpointRouteBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return new BothVersions(
            builder.MapGrpcService<ReflectionServiceImpl>(),
            builder.MapGrpcService<V1AlphaReflectionServiceImpl>());
    }

    private sealed class BothVersions(GrpcServiceEndpointConventionBuilder v1, GrpcServiceEndpointConventionBuilder v1Alpha)
        : IEndpointConventionBuilder, IDisposable
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            v1.Add(convention);
            v1Alpha.Add(convention);
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            v1.Finally(finallyConvention);
            v1Alpha.Finally(finallyConvention);
        }

        public void Dispose()
        {
            v1.Dispose();
            v1Alpha.Dispose();
        }
    }
}
