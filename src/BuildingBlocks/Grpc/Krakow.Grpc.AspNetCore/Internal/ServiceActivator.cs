using Microsoft.Extensions.DependencyInjection;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Gets the service instance for a call: from DI when the application registered the type, else created per
/// call with constructor injection and disposed when the call ends.
/// </summary>
internal sealed class ServiceActivator<TService>
    where TService : class
{
    private readonly ObjectFactory<TService> factory = ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes);

    public (TService Service, bool Created) Create(IServiceProvider services)
    {
        var registered = services.GetService<TService>();
        return registered is not null ? (registered, false) : (factory(services, null), true);
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
