using System.Data.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Krakow.BuildingBlocks.Persistence;

/// <summary>
/// Turns a database that cannot be reached (or is busy) into UNAVAILABLE, the status gRPC clients retry, instead of
/// the UNKNOWN any other exception from a handler becomes. "Cannot be reached" is the provider's own judgement
/// (<see cref="DbException.IsTransient"/>: Npgsql's network failures and timeouts, SQLite's busy and locked),
/// anywhere in the exception's chain, as EF Core may wrap it. The reason goes to the log, not to the caller.
/// </summary>
public sealed class DatabaseUnavailableInterceptor(ILogger<DatabaseUnavailableInterceptor> logger) : Interceptor
{
    public const string Message = "The database is unavailable; retry shortly.";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            var call = continuation(request, context);

            // Most reads have completed already: they pass through without another state machine.
            return call.IsCompletedSuccessfully ? call : Awaited(call, context);
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            throw Unavailable(ex, context);
        }
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return Awaited(continuation(requestStream, context), context);
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            throw Unavailable(ex, context);
        }
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return Awaited(continuation(request, responseStream, context), context);
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            throw Unavailable(ex, context);
        }
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return Awaited(continuation(requestStream, responseStream, context), context);
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            throw Unavailable(ex, context);
        }
    }

    private async Task<T> Awaited<T>(Task<T> call, ServerCallContext context)
    {
        try
        {
            return await call;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            throw Unavailable(ex, context);
        }
    }

    private async Task Awaited(Task call, ServerCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            throw Unavailable(ex, context);
        }
    }

    private RpcException Unavailable(Exception ex, ServerCallContext context)
    {
        logger.LogWarning(ex, "Call {Method} failed: the database is unavailable.", context.Method);
        return new RpcException(new Status(StatusCode.Unavailable, Message));
    }

    private static bool IsUnreachable(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is DbException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }
}
