using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>Maps every method of <typeparamref name="TService"/> (a class deriving from a generated <c>Foo.FooBase</c>).</summary>
    public static GrpcServiceEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder builder)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.ServiceProvider;
        var dataSource = services.GetService<GrpcEndpointDataSource>()
            ?? throw new InvalidOperationException("Call services.AddGrpc() before mapping gRPC services.");
        if (!builder.DataSources.Contains(dataSource))
        {
            builder.DataSources.Add(dataSource);
        }

        var factory = services.GetRequiredService<ServerCallHandlerFactory<TService>>();
        var methods = ServiceMethodBinder<TService>.Bind(factory);
        if (methods.Count == 0)
        {
            throw new InvalidOperationException($"{typeof(TService)} has no gRPC methods to map.");
        }

        var registration = dataSource.Add(methods[0].Method.ServiceName, methods);
        return new GrpcServiceEndpointConventionBuilder(registration);
    }
}
