using System.Runtime.CompilerServices;

namespace Grpc.Core;

/// <summary>The parts every client call shares: response headers, final status and trailers, disposal.</summary>
public abstract class AsyncCallBase : IDisposable
{
    private readonly Func<Status> getStatus;
    private readonly Func<Metadata> getTrailers;
    private readonly Action dispose;

    private protected AsyncCallBase(Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction)
    {
        ResponseHeadersAsync = responseHeadersAsync ?? throw new ArgumentNullException(nameof(responseHeadersAsync));
        getStatus = getStatusFunc ?? throw new ArgumentNullException(nameof(getStatusFunc));
        getTrailers = getTrailersFunc ?? throw new ArgumentNullException(nameof(getTrailersFunc));
        dispose = disposeAction ?? throw new ArgumentNullException(nameof(disposeAction));
    }

    public Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The call's status; only once the call has finished.</summary>
    public Status GetStatus() => getStatus();

    /// <summary>The call's trailers; only once the call has finished.</summary>
    public Metadata GetTrailers() => getTrailers();

    /// <summary>Cancels the call if it is still running and frees its resources.</summary>
    public void Dispose()
    {
        dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class AsyncUnaryCall<TResponse> : AsyncCallBase
{
    public AsyncUnaryCall(Task<TResponse> responseAsync, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction)
        : base(responseHeadersAsync, getStatusFunc, getTrailersFunc, disposeAction)
    {
        ResponseAsync = responseAsync ?? throw new ArgumentNullException(nameof(responseAsync));
    }

    public Task<TResponse> ResponseAsync { get; }

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    public ConfiguredTaskAwaitable<TResponse> ConfigureAwait(bool continueOnCapturedContext) => ResponseAsync.ConfigureAwait(continueOnCapturedContext);
}

public sealed class AsyncServerStreamingCall<TResponse> : AsyncCallBase
{
    public AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction)
        : base(responseHeadersAsync, getStatusFunc, getTrailersFunc, disposeAction)
    {
        ResponseStream = responseStream ?? throw new ArgumentNullException(nameof(responseStream));
    }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }
}

public sealed class AsyncClientStreamingCall<TRequest, TResponse> : AsyncCallBase
{
    public AsyncClientStreamingCall(IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction)
        : base(responseHeadersAsync, getStatusFunc, getTrailersFunc, disposeAction)
    {
        RequestStream = requestStream ?? throw new ArgumentNullException(nameof(requestStream));
        ResponseAsync = responseAsync ?? throw new ArgumentNullException(nameof(responseAsync));
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public Task<TResponse> ResponseAsync { get; }

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    public ConfiguredTaskAwaitable<TResponse> ConfigureAwait(bool continueOnCapturedContext) => ResponseAsync.ConfigureAwait(continueOnCapturedContext);
}

public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : AsyncCallBase
{
    public AsyncDuplexStreamingCall(IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction)
        : base(responseHeadersAsync, getStatusFunc, getTrailersFunc, disposeAction)
    {
        RequestStream = requestStream ?? throw new ArgumentNullException(nameof(requestStream));
        ResponseStream = responseStream ?? throw new ArgumentNullException(nameof(responseStream));
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }
}
