using Grpc.AspNetCore.HealthChecks;
using Grpc.AspNetCore.HealthChecks.Internal;
using Grpc.HealthCheck;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the gRPC health service fed by ASP.NET Core health checks.</summary>
public static class GrpcHealthChecksServiceExtensions
{
    /// <summary>
    /// Adds the gRPC server (if not yet added), ASP.NET Core health checks and the <c>grpc.health.v1.Health</c>
    /// service over them; map it with <c>MapGrpcHealthChecksService()</c>. Returns the health checks builder, to add
    /// checks: <c>services.AddGrpcHealthChecks().AddCheck("db", ..., tags: ["krakow.orders.v1.Orders"])</c>.
    /// </summary>
    public static IHealthChecksBuilder AddGrpcHealthChecks(this IServiceCollection services) =>
        AddGrpcHealthChecks(services, _ => { });

    /// <inheritdoc cref="AddGrpcHealthChecks(IServiceCollection)"/>
    public static IHealthChecksBuilder AddGrpcHealthChecks(this IServiceCollection services, Action<GrpcHealthChecksOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddGrpc();
        services.Configure(configure);
        services.TryAddSingleton<HealthCheckStatusSource>();
        services.TryAddSingleton(sp => new HealthServiceImpl(sp.GetRequiredService<HealthCheckStatusSource>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthCheckPublisher, GrpcHealthChecksPublisher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, GrpcHealthChecksShutdown>());
        return services.AddHealthChecks();
    }
}
