using Grpc.Reflection;
using Grpc.Reflection.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers gRPC server reflection.</summary>
public static class GrpcReflectionServiceExtensions
{
    /// <summary>
    /// Adds the gRPC server (if not yet added) and server reflection over its live endpoints, v1 and v1alpha; map it
    /// with <c>MapGrpcReflectionService()</c>.
    /// </summary>
    public static IServiceCollection AddGrpcReflection(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddGrpc();
        services.TryAddSingleton(sp => new EndpointReflectionSource(sp));
        services.TryAddSingleton(sp => new ReflectionServiceImpl(sp.GetRequiredService<EndpointReflectionSource>().Snapshot));
        services.TryAddSingleton(sp => new V1AlphaReflectionServiceImpl(sp.GetRequiredService<EndpointReflectionSource>().Snapshot));
        return services;
    }
}
