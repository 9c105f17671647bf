namespace Grpc.Core;

public delegate Task<TResponse> UnaryServerMethod<TRequest, TResponse>(TRequest request, ServerCallContext context)
    where TRequest : class
    where TResponse : class;

public delegate Task<TResponse> ClientStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context)
    where TRequest : class
    where TResponse : class;

public delegate Task ServerStreamingServerMethod<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context)
    where TRequest : class
    where TResponse : class;

public delegate Task DuplexStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context)
    where TRequest : class
    where TResponse : class;

/// <summary>
/// Receives a service's methods from the generated <c>BindService(ServiceBinderBase, TServiceBase)</c>.
/// A server binds with a null service instance to learn the methods, and resolves the instance per call.
/// </summary>
public abstract class ServiceBinderBase
{
    public virtual void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        where TRequest : class
        where TResponse : class => throw new NotSupportedException();

    public virtual void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        where TRequest : class
        where TResponse : class => throw new NotSupportedException();

    public virtual void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        where TRequest : class
        where TResponse : class => throw new NotSupportedException();

    public virtual void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        where TRequest : class
        where TResponse : class => throw new NotSupportedException();
}

/// <summary>Names the static method that binds a generated service base: <c>BindService(ServiceBinderBase, TBase)</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BindServiceMethodAttribute(Type bindType, string bindMethodName) : Attribute
{
    public Type BindType { get; } = bindType;

    public string BindMethodName { get; } = bindMethodName;
}

/// <summary>A service's methods bound to handlers of one instance (the generated <c>BindService(TBase)</c> form).</summary>
public sealed class ServerServiceDefinition
{
    private readonly IReadOnlyList<Action<ServiceBinderBase>> bindings;

    private ServerServiceDefinition(IReadOnlyList<Action<ServiceBinderBase>> bindings) => this.bindings = bindings;

    public static Builder CreateBuilder() => new();

    /// <summary>Replays every method and handler into <paramref name="binder"/>.</summary>
    public void BindService(ServiceBinderBase binder)
    {
        foreach (var bind in bindings)
        {
            bind(binder);
        }
    }

    public sealed class Builder
    {
        private readonly List<Action<ServiceBinderBase>> bindings = [];
        private readonly HashSet<string> names = [];

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, b => b.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, b => b.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, b => b.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, b => b.AddMethod(method, handler));

        public ServerServiceDefinition Build() => new(bindings.ToArray());

        private Builder Add(IMethod method, Action<ServiceBinderBase> bind)
        {
            if (!names.Add(method.FullName))
            {
                throw new ArgumentException($"Method {method.FullName} is added twice.", nameof(method));
            }

            bindings.Add(bind);
            return this;
        }
    }
}
