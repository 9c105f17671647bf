using System.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>One method of a service, ready to become an endpoint.</summary>
internal sealed record ServiceMethodEndpoint(IMethod Method, RequestDelegate RequestDelegate, IReadOnlyList<object> Metadata);

/// <summary>
/// Receives the methods from the generated <c>BindService(ServiceBinderBase, TBase)</c> (called with a null
/// instance: the instance is resolved per call) and builds a request delegate for each.
/// </summary>
internal sealed class ServiceMethodBinder<TService>(ServerCallHandlerFactory<TService> factory) : ServiceBinderBase
    where TService : class
{
    public List<ServiceMethodEndpoint> Methods { get; } = [];

    /// <summary>Calls the generated binder of <typeparamref name="TService"/>'s generated base class.</summary>
    public static IReadOnlyList<ServiceMethodEndpoint> Bind(ServerCallHandlerFactory<TService> factory)
    {
        var binder = new ServiceMethodBinder<TService>(factory);
        var (bindType, bindMethodName) = FindBindAttribute();
        var bindMethod = bindType.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == bindMethodName && m.GetParameters() is [var first, _] && first.ParameterType == typeof(ServiceBinderBase))
            ?? throw new InvalidOperationException($"{bindType} has no static {bindMethodName}(ServiceBinderBase, …) to bind {typeof(TService)}.");
        bindMethod.Invoke(null, [binder, null]);
        return binder.Methods;
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        Add(method, factory.CreateUnary(method), typeof(TRequest), typeof(ServerCallContext));

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        Add(method, factory.CreateServerStreaming(method), typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        Add(method, factory.CreateClientStreaming(method), typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        Add(method, factory.CreateDuplexStreaming(method), typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));

    private void Add(IMethod method, RequestDelegate requestDelegate, params Type[] parameterTypes)
    {
        // Attributes of the service class, then of the method (e.g. [Authorize], [EnableCors]), as MVC does.
        var metadata = new List<object>(typeof(TService).GetCustomAttributes(inherit: true));
        var methodInfo = ServerCallHandlerFactory<TService>.FindServiceMethod(method, parameterTypes);
        if (methodInfo is not null)
        {
            metadata.AddRange(methodInfo.GetCustomAttributes(inherit: true));
        }

        metadata.Add(new GrpcMethodMetadata(typeof(TService), method));
        Methods.Add(new ServiceMethodEndpoint(method, requestDelegate, metadata));
    }

    private static (Type BindType, string MethodName) FindBindAttribute()
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            var attribute = type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false);
            if (attribute is not null)
            {
                return (attribute.BindType, attribute.BindMethodName);
            }
        }

        throw new InvalidOperationException($"{typeof(TService)} does not derive from a generated gRPC service base class ([BindServiceMethod] not found).");
    }
}
