using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Krakow.Grpc.Tests.Runtime.Infrastructure;

/// <summary>
/// Records, per call (<c>x-probe-id</c>), the order in which interceptors saw it. An interceptor whose name is in
/// <c>x-deny</c> ends the call with PERMISSION_DENIED; one whose name is in <c>x-answer</c> replies by itself.
/// Neither calls the handler.
/// </summary>
public sealed class RecordingInterceptor(string name, InterceptionLog log) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        if (context.RequestHeaders.GetValue("x-answer") == name && typeof(TResponse) == typeof(EchoReply))
        {
            return Task.FromResult((TResponse)(object)new EchoReply { Text = $"answered by {name}" });
        }

        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Enter(ServerCallContext context)
    {
        log.Record(context.RequestHeaders.GetValue(CallProbes.Header) ?? "(no probe)", $"{name}:{context.Method}");
        if (context.RequestHeaders.GetValue("x-deny") == name)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Denied by {name}."));
        }
    }
}

public sealed class InterceptionLog
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> calls = new();

    public void Record(string callId, string entry) => calls.GetOrAdd(callId, _ => new ConcurrentQueue<string>()).Enqueue(entry);

    public IReadOnlyList<string> For(string callId) => calls.TryGetValue(callId, out var entries) ? [.. entries] : [];
}
