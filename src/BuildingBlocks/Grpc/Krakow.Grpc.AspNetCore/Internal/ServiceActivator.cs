using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Gets the service instance for a call: from DI when the application registered the type, else created per
/// call with constructor injection and disposed when the call ends; or, for a service mapped with a factory of
/// its own (<c>MapGrpcService(Type, Func&lt;IServiceProvider, object&gt;)</c>), from that factory, which owns what it
/// returns (nothing is disposed, and DI is never asked about the type, so no DI cache ever holds it).
/// </summary>
internal sealed class ServiceActivator<TService>
    where TService : class
{
    private readonly ObjectFactory<TService>? factory;
    private readonly Func<IServiceProvider, object>? createService;
    private readonly IServiceProvider rootServices;
    private readonly bool needsRequestServices;

    public ServiceActivator(IServiceProvider rootServices)
    {
        // A request's DI scope is created when first used. A service that is not registered and whose only
        // constructor takes nothing resolves nothing from it, so its calls need not create one.
        factory = ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes);
        this.rootServices = rootServices;
        var registered = rootServices.GetService<IServiceProviderIsService>()?.IsService(typeof(TService)) ?? true;
        needsRequestServices = registered || typeof(TService).GetConstructors() is not [{ } constructor] || constructor.GetParameters().Length > 0;
    }

    /// <summary>Instances come from <paramref name="createService"/>, given the call's request services.</summary>
    public ServiceActivator(IServiceProvider rootServices, Func<IServiceProvider, object> createService)
    {
        this.rootServices = rootServices;
        this.createService = createService;
        needsRequestServices = true;
    }

    /// <summary>Whether an instance created per call must be disposed when the call ends.</summary>
    public static bool NeedsRelease { get; } = typeof(IDisposable).IsAssignableFrom(typeof(TService)) || typeof(IAsyncDisposable).IsAssignableFrom(typeof(TService));

    public (TService Service, bool Created) Create(HttpContext httpContext)
    {
        if (createService is not null)
        {
            return (createService(httpContext.RequestServices) as TService
                ?? throw new InvalidOperationException($"The factory of gRPC service {typeof(TService)} returned no {typeof(TService).Name}."), false);
        }

        if (!needsRequestServices)
        {
            return (factory!(rootServices, null), true);
        }

        var services = httpContext.RequestServices;
        var registered = services.GetService<TService>();
        return registered is not null ? (registered, false) : (factory!(services, null), true);
    }

    public static ValueTask ReleaseAsync(TService service)
    {
        switch (service)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Creates an interceptor per call, from DI when registered, else with its registered arguments.</summary>
internal sealed class InterceptorActivator(InterceptorRegistration registration)
{
    private readonly ObjectFactory factory = ActivatorUtilities.CreateFactory(registration.Type, [.. registration.Arguments.Select(a => a.GetType())]);
    private readonly object[] arguments = [.. registration.Arguments];

    public Grpc.Core.Interceptors.Interceptor Create(IServiceProvider services) =>
        (Grpc.Core.Interceptors.Interceptor)(services.GetService(registration.Type) ?? factory(services, arguments));
}
