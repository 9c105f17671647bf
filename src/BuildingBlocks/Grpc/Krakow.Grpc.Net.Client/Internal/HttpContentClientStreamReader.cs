using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>The response stream of a server-streaming or duplex call.</summary>
internal sealed class HttpContentClientStreamReader<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
    where TRequest : class
    where TResponse : class
{
    private int reading;

    public TResponse Current { get; private set; } = default!;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref reading, 1) != 0)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
        }

        try
        {
            var message = await call.ReadNextMessageAsync(cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                return false;
            }

            Current = message;
            return true;
        }
        finally
        {
            Volatile.Write(ref reading, 0);
        }
    }
}
