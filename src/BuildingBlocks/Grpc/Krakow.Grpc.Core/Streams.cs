namespace Grpc.Core;

/// <summary>Reads a stream of messages: <c>while (await reader.MoveNext(token)) use(reader.Current);</c></summary>
public interface IAsyncStreamReader<out T>
{
    T Current { get; }

    Task<bool> MoveNext(CancellationToken cancellationToken);
}

/// <summary>Writes a stream of messages; at most one write may be pending at a time.</summary>
public interface IAsyncStreamWriter<in T>
{
    WriteOptions? WriteOptions { get; set; }

    Task WriteAsync(T message);

    Task WriteAsync(T message, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? throw new NotSupportedException("This writer does not take a cancellation token.") : WriteAsync(message);
}

/// <summary>The server's writer of response messages.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
{
}

/// <summary>The client's writer of request messages; <see cref="CompleteAsync"/> half-closes the call.</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    Task CompleteAsync();
}

[Flags]
public enum WriteFlags
{
    BufferHint = 0x1,

    /// <summary>Sends this message uncompressed even when the call is compressed.</summary>
    NoCompress = 0x2,
}

public sealed class WriteOptions(WriteFlags flags = default)
{
    public static readonly WriteOptions Default = new();

    public WriteFlags Flags { get; } = flags;
}

public static class AsyncStreamReaderExtensions
{
    /// <summary>The remaining messages as an async sequence.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        this IAsyncStreamReader<T> streamReader,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamReader);
        while (await streamReader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return streamReader.Current;
        }
    }
}
