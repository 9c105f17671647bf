using System.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Builds the request delegate of each method of <typeparamref name="TService"/>: the service method bound as an
/// open delegate (the instance comes per call), wrapped in the configured interceptors.
/// </summary>
internal sealed class ServerCallHandlerFactory<TService> : IServerCallHandlerFactory
    where TService : class
{
    private readonly ServiceActivator<TService> activator;
    private readonly GrpcServiceOptions options;
    private readonly ILogger logger;

    public ServerCallHandlerFactory(IServiceProvider services, ILoggerFactory loggerFactory, IOptions<GrpcServiceOptions> globalOptions)
    {
        activator = new ServiceActivator<TService>(services);
        logger = loggerFactory.CreateLogger($"Grpc.AspNetCore.Server.{typeof(TService).Name}");

        // Per-service options exist only when AddServiceOptions<TService> registered them.
        var hasServiceOptions = services.GetServices<IConfigureOptions<GrpcServiceOptions<TService>>>().Any();
        options = hasServiceOptions ? services.GetRequiredService<IOptions<GrpcServiceOptions<TService>>>().Value : globalOptions.Value;
    }

    /// <summary>
    /// For a service mapped at run time with a factory of its own (a plugin's): made with reflection, never taken
    /// from DI, and asking DI nothing about <typeparamref name="TService"/> (the global options apply), so that no
    /// container cache keeps the type, and with it a collectible load context, alive once the service is unmapped.
    /// </summary>
    public ServerCallHandlerFactory(IServiceProvider services, ILoggerFactory loggerFactory, GrpcServiceOptions globalOptions, Func<IServiceProvider, object> createService)
    {
        activator = new ServiceActivator<TService>(services, createService);
        logger = loggerFactory.CreateLogger($"Grpc.AspNetCore.Server.{typeof(TService).Name}");
        options = globalOptions;
    }

    public IReadOnlyList<ServiceMethodEndpoint> BindMethods() => ServiceMethodBinder<TService>.Bind(this);

    public RequestDelegate CreateUnary<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var invoke = BindServiceMethod<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(method, typeof(TRequest), typeof(ServerCallContext));
        UnaryServerMethod<TRequest, TResponse> pipeline;
        if (!ServiceActivator<TService>.NeedsRelease)
        {
            // Nothing to release after the call: hand back the method's own task, with no async wrapper (and no
            // second Task) per call. A synchronous throw still surfaces through the task, as through the wrapper.
            pipeline = (request, context) =>
            {
                try
                {
                    return invoke(activator.Create(context.GetHttpContext()).Service, request, context);
                }
                catch (Exception ex)
                {
                    return Task.FromException<TResponse>(ex);
                }
            };
        }
        else
        {
            pipeline = async (request, context) =>
            {
                var (service, created) = activator.Create(context.GetHttpContext());
                try
                {
                    return await invoke(service, request, context).ConfigureAwait(false);
                }
                finally
                {
                    if (created)
                    {
                        await ServiceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
                    }
                }
            };
        }

        foreach (var interceptor in Interceptors())
        {
            var next = pipeline;
            pipeline = (request, context) => interceptor.Create(context.GetHttpContext().RequestServices).UnaryServerHandler(request, context, next);
        }

        return new UnaryServerCallHandler<TRequest, TResponse>(method, MethodOptions(method), logger, pipeline).HandleCallAsync;
    }

    public RequestDelegate CreateServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var invoke = BindServiceMethod<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(
            method, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        ServerStreamingServerMethod<TRequest, TResponse> pipeline = async (request, responseStream, context) =>
        {
            var (service, created) = activator.Create(context.GetHttpContext());
            try
            {
                await invoke(service, request, responseStream, context).ConfigureAwait(false);
            }
            finally
            {
                if (created)
                {
                    await ServiceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
                }
            }
        };
        foreach (var interceptor in Interceptors())
        {
            var next = pipeline;
            pipeline = (request, responseStream, context) =>
                interceptor.Create(context.GetHttpContext().RequestServices).ServerStreamingServerHandler(request, responseStream, context, next);
        }

        return new ServerStreamingServerCallHandler<TRequest, TResponse>(method, MethodOptions(method), logger, pipeline).HandleCallAsync;
    }

    public RequestDelegate CreateClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var invoke = BindServiceMethod<Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>>(
            method, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
        ClientStreamingServerMethod<TRequest, TResponse> pipeline = async (requestStream, context) =>
        {
            var (service, created) = activator.Create(context.GetHttpContext());
            try
            {
                return await invoke(service, requestStream, context).ConfigureAwait(false);
            }
            finally
            {
                if (created)
                {
                    await ServiceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
                }
            }
        };
        foreach (var interceptor in Interceptors())
        {
            var next = pipeline;
            pipeline = (requestStream, context) =>
                interceptor.Create(context.GetHttpContext().RequestServices).ClientStreamingServerHandler(requestStream, context, next);
        }

        return new ClientStreamingServerCallHandler<TRequest, TResponse>(method, MethodOptions(method), logger, pipeline).HandleCallAsync;
    }

    public RequestDelegate CreateDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var invoke = BindServiceMethod<Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(
            method, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        DuplexStreamingServerMethod<TRequest, TResponse> pipeline = async (requestStream, responseStream, context) =>
        {
            var (service, created) = activator.Create(context.GetHttpContext());
            try
            {
                await invoke(service, requestStream, responseStream, context).ConfigureAwait(false);
            }
            finally
            {
                if (created)
                {
                    await ServiceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
                }
            }
        };
        foreach (var interceptor in Interceptors())
        {
            var next = pipeline;
            pipeline = (requestStream, responseStream, context) =>
                interceptor.Create(context.GetHttpContext().RequestServices).DuplexStreamingServerHandler(requestStream, responseStream, context, next);
        }

        return new DuplexStreamingServerCallHandler<TRequest, TResponse>(method, MethodOptions(method), logger, pipeline).HandleCallAsync;
    }

    /// <summary>The implementation's method for <paramref name="method"/>, for attribute metadata (e.g. [Authorize]).</summary>
    public static MethodInfo? FindServiceMethod(IMethod method, Type[] parameterTypes) =>
        typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameterTypes);

    private MethodOptions MethodOptions(IMethod method) => new(method, options);

    /// <summary>Interceptors from the innermost to the outermost, so wrapping in this order puts the first registered outside.</summary>
    private IEnumerable<InterceptorActivator> Interceptors() =>
        options.Interceptors.AsEnumerable().Reverse().Select(r => new InterceptorActivator(r)).ToArray();

    private static TDelegate BindServiceMethod<TDelegate>(IMethod method, params Type[] parameterTypes)
        where TDelegate : Delegate
    {
        var methodInfo = FindServiceMethod(method, parameterTypes)
            ?? throw new InvalidOperationException($"{typeof(TService)} has no method {method.Name} for {method.FullName}.");
        return methodInfo.CreateDelegate<TDelegate>();
    }
}

/// <summary>A <see cref="ServerCallHandlerFactory{TService}"/> whose service type is known only at run time.</summary>
internal interface IServerCallHandlerFactory
{
    /// <summary>The endpoints of the service's methods, as the generated binder lists them.</summary>
    IReadOnlyList<ServiceMethodEndpoint> BindMethods();
}
