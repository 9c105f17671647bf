using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
internal sealed class HttpContentClientStreamWriter<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IClientStreamWriter<TRequest>
    where TRequest : class
    where TResponse : class
{
    /// <summary>Options for the next writes; when null, the call's <see cref="CallOptions.WriteOptions"/>.</summary>
    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(TRequest message) => WriteAsync(message, CancellationToken.None);

    /// <summary>Writes one message; cancelling <paramref name="cancellationToken"/> cancels the whole call.</summary>
    public Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteMessageAsync(message, WriteOptions, cancellationToken);
    }

    public Task CompleteAsync() => call.CompleteRequestAsync();
}
