namespace Grpc.Core;

/// <summary>The base of generated clients.</summary>
public abstract class ClientBase
{
    protected ClientBase()
        : this(new UnimplementedCallInvoker())
    {
    }

    protected ClientBase(ChannelBase channel)
        : this((channel ?? throw new ArgumentNullException(nameof(channel))).CreateCallInvoker())
    {
    }

    protected ClientBase(CallInvoker callInvoker)
        : this(new ClientBaseConfiguration(callInvoker, null))
    {
    }

    protected ClientBase(ClientBaseConfiguration configuration)
    {
        Configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        CallInvoker = configuration.CreateDecoratedCallInvoker();
    }

    protected CallInvoker CallInvoker { get; }

    internal ClientBaseConfiguration Configuration { get; }

    /// <summary>What a client was created with; generated clients pass it through.</summary>
    protected internal class ClientBaseConfiguration
    {
        private readonly CallInvoker undecoratedCallInvoker;
        private readonly string? host;

        protected internal ClientBaseConfiguration(CallInvoker undecoratedCallInvoker, string? host)
        {
            this.undecoratedCallInvoker = undecoratedCallInvoker ?? throw new ArgumentNullException(nameof(undecoratedCallInvoker));
            this.host = host;
        }

        internal CallInvoker CreateDecoratedCallInvoker() =>
            host is null ? undecoratedCallInvoker : new HostOverridingCallInvoker(undecoratedCallInvoker, host);

        internal ClientBaseConfiguration WithHost(string newHost) => new(undecoratedCallInvoker, newHost);

        private sealed class HostOverridingCallInvoker(CallInvoker inner, string host) : CallInvoker
        {
            public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options, TRequest request) =>
                inner.BlockingUnaryCall(method, host, options, request);

            public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options, TRequest request) =>
                inner.AsyncUnaryCall(method, host, options, request);

            public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options, TRequest request) =>
                inner.AsyncServerStreamingCall(method, host, options, request);

            public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options) =>
                inner.AsyncClientStreamingCall(method, host, options);

            public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options) =>
                inner.AsyncDuplexStreamingCall(method, host, options);
        }
    }

    /// <summary>A call invoker for mocking: every call fails, because no channel stands behind it.</summary>
    private sealed class UnimplementedCallInvoker : CallInvoker
    {
        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw Fail();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw Fail();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw Fail();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw Fail();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw Fail();

        private static NotSupportedException Fail() => new("This client was created without a channel.");
    }
}

/// <summary>The base of generated clients; <typeparamref name="T"/> is the concrete client.</summary>
public abstract class ClientBase<T> : ClientBase
    where T : ClientBase<T>
{
    protected ClientBase()
    {
    }

    protected ClientBase(ChannelBase channel) : base(channel)
    {
    }

    protected ClientBase(CallInvoker callInvoker) : base(callInvoker)
    {
    }

    protected ClientBase(ClientBaseConfiguration configuration) : base(configuration)
    {
    }

    /// <summary>A copy of this client whose calls go to <paramref name="host"/>.</summary>
    public T WithHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return NewInstance(Configuration.WithHost(host));
    }

    protected abstract T NewInstance(ClientBaseConfiguration configuration);
}
