using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The request messages of a client- or duplex-streaming call.</summary>
internal sealed class HttpContextStreamReader<TRequest>(HttpContextServerCallContext call, Func<DeserializationContext, TRequest> deserializer)
    : IAsyncStreamReader<TRequest>
    where TRequest : class
{
    private TRequest? current;
    private bool readPending;

    public TRequest Current => current ?? throw new InvalidOperationException("Call MoveNext and check that it returned true before reading Current.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (readPending)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
        }

        readPending = true;
        try
        {
            if (!cancellationToken.CanBeCanceled || cancellationToken == call.CancellationToken)
            {
                current = await call.ReadMessageAsync(deserializer, single: false, call.CancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.CancellationToken);
                current = await call.ReadMessageAsync(deserializer, single: false, linked.Token).ConfigureAwait(false);
            }

            return current is not null;
        }
        finally
        {
            readPending = false;
        }
    }
}

/// <summary>The response messages of a server- or duplex-streaming call; each write is flushed.</summary>
internal sealed class HttpContextStreamWriter<TResponse>(HttpContextServerCallContext call, Action<TResponse, SerializationContext> serializer)
    : IServerStreamWriter<TResponse>
    where TResponse : class
{
    public WriteOptions? WriteOptions
    {
        get => call.WriteOptions;
        set => call.WriteOptions = value;
    }

    public Task WriteAsync(TResponse message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(TResponse message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteMessageAsync(message, serializer, flush: true, cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken);
    }
}
