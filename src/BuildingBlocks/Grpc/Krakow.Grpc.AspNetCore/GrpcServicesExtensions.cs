using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>What <c>AddGrpc</c> returns, to chain per-service configuration.</summary>
public interface IGrpcServerBuilder
{
    IServiceCollection Services { get; }
}

public static class GrpcServicesExtensions
{
    /// <summary>Adds the gRPC server; map services with <c>MapGrpcService&lt;T&gt;()</c>.</summary>
    public static IGrpcServerBuilder AddGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        services.AddOptions();
        services.TryAddSingleton<GrpcEndpointDataSource>();
        services.TryAddSingleton(typeof(ServerCallHandlerFactory<>));
        if (configureOptions is not null)
        {
            services.Configure(configureOptions);
        }

        return new GrpcServerBuilder(services);
    }

    /// <summary>Options for one service, starting from a copy of the global options.</summary>
    public static IGrpcServerBuilder AddServiceOptions<TService>(this IGrpcServerBuilder builder, Action<GrpcServiceOptions<TService>> configure)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Transient<IConfigureOptions<GrpcServiceOptions<TService>>, CopyGlobalOptions<TService>>());
        builder.Services.Configure(configure);
        return builder;
    }

    private sealed class GrpcServerBuilder(IServiceCollection services) : IGrpcServerBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class CopyGlobalOptions<TService>(IOptions<GrpcServiceOptions> global) : IConfigureOptions<GrpcServiceOptions<TService>>
        where TService : class
    {
        public void Configure(GrpcServiceOptions<TService> options)
        {
            var source = global.Value;
            options.MaxReceiveMessageSize = source.MaxReceiveMessageSize;
            options.MaxSendMessageSize = source.MaxSendMessageSize;
            options.EnableDetailedErrors = source.EnableDetailedErrors;
            options.ResponseCompressionAlgorithm = source.ResponseCompressionAlgorithm;
            options.ResponseCompressionLevel = source.ResponseCompressionLevel;
            options.CompressionProviders = [.. source.CompressionProviders];
            options.IgnoreUnknownServices = source.IgnoreUnknownServices;
            options.Interceptors.AddRange(source.Interceptors);
        }
    }
}
