using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Runs one kind of call (unary, client, server or duplex streaming) for one method: validates the request,
/// runs the interceptor pipeline and the service method, and ends the call with a status whatever happens.
/// </summary>
internal abstract class ServerCallHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodOptions options, ILogger logger)
    where TRequest : class
    where TResponse : class
{
    protected Method<TRequest, TResponse> Method { get; } = method;

    public async Task HandleCallAsync(HttpContext httpContext)
    {
        var call = new HttpContextServerCallContext(httpContext, options, logger);
        try
        {
            if (!call.Initialize())
            {
                return;
            }

            await HandleCallCoreAsync(call).ConfigureAwait(false);
            await call.EndCallAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await EndWithErrorAsync(call, ex).ConfigureAwait(false);
        }
        finally
        {
            call.Dispose();
        }
    }

    protected abstract Task HandleCallCoreAsync(HttpContextServerCallContext call);

    /// <summary>The request of a unary or server-streaming call; a ValueTask, so no allocation when the message is already there.</summary>
    protected ValueTask<TRequest?> ReadSingleRequestAsync(HttpContextServerCallContext call) =>
        call.ReadMessageAsync(Method.RequestMarshaller.ContextualDeserializer, single: true, call.CancellationToken);

    protected Task WriteResponseAsync(HttpContextServerCallContext call, TResponse? response, bool flush)
    {
        if (response is null)
        {
            throw new RpcException(new Status(StatusCode.Internal, "The service method returned a null response."));
        }

        return call.WriteMessageAsync(response, Method.ResponseMarshaller.ContextualSerializer, flush, call.CancellationToken);
    }

    protected HttpContextStreamReader<TRequest> CreateRequestStream(HttpContextServerCallContext call) =>
        new(call, Method.RequestMarshaller.ContextualDeserializer);

    protected HttpContextStreamWriter<TResponse> CreateResponseStream(HttpContextServerCallContext call) =>
        new(call, Method.ResponseMarshaller.ContextualSerializer);

    private async Task EndWithErrorAsync(HttpContextServerCallContext call, Exception exception)
    {
        try
        {
            await call.ProcessHandlerErrorAsync(exception).ConfigureAwait(false);
        }
        catch (Exception writeError)
        {
            // The connection is most likely gone; there is nobody left to tell.
            logger.LogDebug(writeError, "Could not send the status of {Method}.", Method.FullName);
        }
    }
}

internal sealed class UnaryServerCallHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, MethodOptions options, ILogger logger, UnaryServerMethod<TRequest, TResponse> pipeline)
    : ServerCallHandler<TRequest, TResponse>(method, options, logger)
    where TRequest : class
    where TResponse : class
{
    protected override async Task HandleCallCoreAsync(HttpContextServerCallContext call)
    {
        var request = (await ReadSingleRequestAsync(call).ConfigureAwait(false))!;
        var response = await pipeline(request, call).ConfigureAwait(false);
        await WriteResponseAsync(call, response, flush: false).ConfigureAwait(false);
    }
}

internal sealed class ServerStreamingServerCallHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, MethodOptions options, ILogger logger, ServerStreamingServerMethod<TRequest, TResponse> pipeline)
    : ServerCallHandler<TRequest, TResponse>(method, options, logger)
    where TRequest : class
    where TResponse : class
{
    protected override async Task HandleCallCoreAsync(HttpContextServerCallContext call)
    {
        var request = (await ReadSingleRequestAsync(call).ConfigureAwait(false))!;
        await pipeline(request, CreateResponseStream(call), call).ConfigureAwait(false);
    }
}

internal sealed class ClientStreamingServerCallHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, MethodOptions options, ILogger logger, ClientStreamingServerMethod<TRequest, TResponse> pipeline)
    : ServerCallHandler<TRequest, TResponse>(method, options, logger)
    where TRequest : class
    where TResponse : class
{
    protected override async Task HandleCallCoreAsync(HttpContextServerCallContext call)
    {
        var response = await pipeline(CreateRequestStream(call), call).ConfigureAwait(false);
        await WriteResponseAsync(call, response, flush: false).ConfigureAwait(false);
    }
}

internal sealed class DuplexStreamingServerCallHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, MethodOptions options, ILogger logger, DuplexStreamingServerMethod<TRequest, TResponse> pipeline)
    : ServerCallHandler<TRequest, TResponse>(method, options, logger)
    where TRequest : class
    where TResponse : class
{
    protected override Task HandleCallCoreAsync(HttpContextServerCallContext call) =>
        pipeline(CreateRequestStream(call), CreateResponseStream(call), call);
}
