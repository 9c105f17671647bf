using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// One client call over HTTP: its lifetime, deadline, cancellation and final status. The request side is in
/// GrpcCall.Request.cs, the response side in GrpcCall.Response.cs. Every way a call ends goes through
/// <see cref="Finish"/>, once: the first outcome wins and the others find the call already finished.
/// </summary>
internal sealed partial class GrpcCall<TRequest, TResponse> : IDisposable
    where TRequest : class
    where TResponse : class
{
    private static readonly Status CancelledByClient = new(StatusCode.Cancelled, "Call canceled by the client.");
    private static readonly Status DeadlineExceeded = new(StatusCode.DeadlineExceeded, "Deadline Exceeded");
    private static readonly Status Disposed = new(StatusCode.Cancelled, "gRPC call disposed.");

    /// <summary>Timers take at most uint.MaxValue - 1 milliseconds (about 49 days); a later deadline is only sent to the server.</summary>
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly GrpcChannel channel;
    private readonly Method<TRequest, TResponse> method;
    private readonly CallOptions options;

    /// <summary>Cancelled when the call ends without success: aborts sending, reading and the HTTP/2 stream.</summary>
    private readonly CancellationTokenSource callCts = new();
    private readonly TaskCompletionSource<Metadata> headersTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();

    private TaskCompletionSource<TResponse>? responseTcs;
    private Task startTask = Task.CompletedTask;
    private DateTime? deadline;
    private Timer? deadlineTimer;
    private CancellationTokenRegistration cancellationRegistration;
    private HttpResponseMessage? httpResponse;
    private Status? status;
    private Metadata? trailers;
    private bool cancelledLocally;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        this.channel = channel;
        this.method = method;
        this.options = options;
        requestCompressor = ResolveRequestCompressor(channel, options.Headers);
    }

    /// <summary>The single response of a unary or client-streaming call.</summary>
    public Task<TResponse> ResponseAsync => responseTcs?.Task ?? throw new InvalidOperationException("This call type has no single response.");

    public Task<Metadata> ResponseHeadersAsync => headersTcs.Task;

    public void StartUnary(TRequest request)
    {
        responseTcs = new TaskCompletionSource<TResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        Start(new PushContent((stream, token) => WriteSingleMessageAsync(stream, request, token)));
    }

    public void StartServerStreaming(TRequest request) =>
        Start(new PushContent((stream, token) => WriteSingleMessageAsync(stream, request, token)));

    public void StartClientStreaming()
    {
        responseTcs = new TaskCompletionSource<TResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        StartStreamingRequest();
    }

    public void StartDuplexStreaming() => StartStreamingRequest();

    public Status GetStatus()
    {
        lock (gate)
        {
            return status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");
        }
    }

    public Metadata GetTrailers()
    {
        lock (gate)
        {
            return status is null
                ? throw new InvalidOperationException("Can't get the call trailers because the call is not complete.")
                : trailers!;
        }
    }

    /// <summary>Cancels the call if it is still running.</summary>
    public void Dispose() => Finish(Disposed, Metadata.Empty);

    private void Start(HttpContent content)
    {
        if (options.Deadline is { } requested && requested != DateTime.MaxValue)
        {
            deadline = requested.Kind == DateTimeKind.Utc ? requested : requested.ToUniversalTime();
            var remaining = deadline.Value - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                // Already past: fail at once, without sending anything.
                Finish(DeadlineExceeded, Metadata.Empty, local: true);
                return;
            }

            if (remaining <= MaxTimerDue)
            {
                deadlineTimer = new Timer(
                    static state => ((GrpcCall<TRequest, TResponse>)state!).Finish(DeadlineExceeded, Metadata.Empty, local: true),
                    this, remaining, Timeout.InfiniteTimeSpan);
            }
        }

        if (options.CancellationToken.CanBeCanceled)
        {
            cancellationRegistration = RegisterCancellation(options.CancellationToken);
        }

        startTask = RunAsync(content);
    }

    /// <summary>Cancels the call when <paramref name="token"/> is cancelled (the call's own token, or a read's or write's).</summary>
    private CancellationTokenRegistration RegisterCancellation(CancellationToken token) =>
        token.CanBeCanceled
            ? token.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).Finish(CancelledByClient, Metadata.Empty, local: true), this)
            : default;

    private async Task RunAsync(HttpContent content)
    {
        try
        {
            var request = await CreateRequestAsync(content).ConfigureAwait(false);
            var response = await channel.SendAsync(request, callCts.Token).ConfigureAwait(false);
            lock (gate)
            {
                if (status is null)
                {
                    httpResponse = response;
                }
            }

            if (httpResponse != response)
            {
                // The call ended (cancelled, deadline) while the request was on its way.
                response.Dispose();
                return;
            }

            await ReceiveAsync(response).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void Fail(Exception exception) => Finish(StatusMapping.FromException(exception), Metadata.Empty);

    /// <summary>
    /// Ends the call with <paramref name="finalStatus"/> unless it has already ended. <paramref name="local"/>
    /// marks a cancellation by the client's token or deadline (for ThrowOperationCanceledOnCancellation).
    /// </summary>
    private bool Finish(Status finalStatus, Metadata finalTrailers, bool local = false)
    {
        HttpResponseMessage? response;
        lock (gate)
        {
            if (status is not null)
            {
                return false;
            }

            if (finalStatus.StatusCode == StatusCode.Cancelled && deadline <= DateTime.UtcNow)
            {
                // A cancellation that races the deadline is reported as the deadline, made up locally (PROTOCOL-HTTP2.md).
                (finalStatus, finalTrailers, local) = (DeadlineExceeded, Metadata.Empty, true);
            }

            status = finalStatus;
            trailers = finalTrailers;
            cancelledLocally = local;
            response = httpResponse;
        }

        deadlineTimer?.Dispose();
        cancellationRegistration.Unregister();
        if (finalStatus.StatusCode == StatusCode.OK)
        {
            // Only the response side finishes with OK, after the whole response was read.
            EndRequest(new InvalidOperationException("Can't write the message because the call is complete."));
        }
        else
        {
            headersTcs.TrySetException(CreateException());
            _ = headersTcs.Task.Exception; // observed: apps that never look at the headers must not see it reported unobserved
            responseTcs?.TrySetException(CreateException());
            EndRequest(CreateException());
            callCts.Cancel();
        }

        response?.Dispose();
        return true;
    }

    /// <summary>The exception a failed call throws to the app.</summary>
    private Exception CreateException()
    {
        lock (gate)
        {
            var finalStatus = status!.Value;
            if (cancelledLocally && channel.ThrowOperationCanceledOnCancellation && finalStatus.StatusCode is StatusCode.Cancelled or StatusCode.DeadlineExceeded)
            {
                return new OperationCanceledException(finalStatus.Detail, options.CancellationToken);
            }

            return new RpcException(finalStatus, trailers ?? Metadata.Empty);
        }
    }
}
