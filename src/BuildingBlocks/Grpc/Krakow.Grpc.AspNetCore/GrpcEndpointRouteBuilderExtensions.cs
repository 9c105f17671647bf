using System.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>Maps every method of <typeparamref name="TService"/> (a class deriving from a generated <c>Foo.FooBase</c>).</summary>
    public static GrpcServiceEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder builder)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var dataSource = DataSource(builder);
        var factory = builder.ServiceProvider.GetRequiredService<ServerCallHandlerFactory<TService>>();
        return Map(dataSource, typeof(TService), ServiceMethodBinder<TService>.Bind(factory));
    }

    /// <summary>
    /// Maps every method of <paramref name="serviceType"/> (a class deriving from a generated <c>Foo.FooBase</c>)
    /// while the application runs, each call getting its instance from <paramref name="createService"/> (given the
    /// call's request services; the factory owns what it returns: nothing is disposed). Meant for types that come
    /// and go, such as those of a plugin in a collectible load context: nothing about the type is registered in or
    /// resolved from DI (the global <c>AddGrpc</c> options apply), so once the returned builder is disposed, which
    /// removes the endpoints, nothing of the runtime keeps the type alive. The endpoints carry the same metadata as
    /// those of <see cref="MapGrpcService{TService}(IEndpointRouteBuilder)"/> (the class's and methods' attributes,
    /// <see cref="GrpcMethodMetadata"/>), so gRPC-Web, CORS, authorization and reflection treat them alike.
    /// </summary>
    /// <exception cref="InvalidOperationException">The type is not a generated service's implementation, or a
    /// service of the same name is already mapped.</exception>
    public static GrpcServiceEndpointConventionBuilder MapGrpcService(this IEndpointRouteBuilder builder, Type serviceType, Func<IServiceProvider, object> createService)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(serviceType);
        ArgumentNullException.ThrowIfNull(createService);
        if (!serviceType.IsClass || serviceType.IsAbstract || serviceType.ContainsGenericParameters)
        {
            throw new ArgumentException($"{serviceType} must be a concrete, non-generic class.", nameof(serviceType));
        }

        var dataSource = DataSource(builder);
        var services = builder.ServiceProvider;
        var factoryType = typeof(ServerCallHandlerFactory<>).MakeGenericType(serviceType);
        var factory = (IServerCallHandlerFactory)Activator.CreateInstance(
            factoryType,
            BindingFlags.Instance | BindingFlags.Public,
            binder: null,
            [services, services.GetRequiredService<ILoggerFactory>(), services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value, createService],
            culture: null)!;
        IReadOnlyList<ServiceMethodEndpoint> methods;
        try
        {
            methods = factory.BindMethods();
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            // The generated binder threw (a broken type initializer, say): report that, not the reflection wrapper.
            throw new InvalidOperationException($"{serviceType} cannot be bound: {ex.InnerException.Message}", ex.InnerException);
        }

        return Map(dataSource, serviceType, methods);
    }

    /// <summary>
    /// Holds back the publication of gRPC endpoint changes until the result is disposed: services mapped and
    /// unmapped meanwhile appear and disappear together, in one change of the endpoints. Replacing a service by
    /// another of the same name inside it leaves no moment in which calls would find neither.
    /// </summary>
    public static IDisposable DeferGrpcEndpointChanges(this IEndpointRouteBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return DataSource(builder).DeferChanges();
    }

    private static GrpcEndpointDataSource DataSource(IEndpointRouteBuilder builder)
    {
        var dataSource = builder.ServiceProvider.GetService<GrpcEndpointDataSource>()
            ?? throw new InvalidOperationException("Call services.AddGrpc() before mapping gRPC services.");
        if (!builder.DataSources.Contains(dataSource))
        {
            builder.DataSources.Add(dataSource);
        }

        return dataSource;
    }

    private static GrpcServiceEndpointConventionBuilder Map(GrpcEndpointDataSource dataSource, Type serviceType, IReadOnlyList<ServiceMethodEndpoint> methods)
    {
        if (methods.Count == 0)
        {
            throw new InvalidOperationException($"{serviceType} has no gRPC methods to map.");
        }

        var registration = dataSource.Add(methods[0].Method.ServiceName, methods);
        return new GrpcServiceEndpointConventionBuilder(registration);
    }
}
