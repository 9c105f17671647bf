using System.Net.Sockets;
using StackExchange.Redis;

namespace Krakow.BuildingBlocks.Caching;

/// <summary>Which exceptions mean "the cache backend is unavailable" (as opposed to a bug in the caller).</summary>
internal static class CacheFailures
{
    public static bool IsBackendFailure(Exception exception) => exception switch
    {
        // Connection lost or never made, and server-side refusals (LOADING, READONLY, MISCONF, OOM, BUSY…).
        RedisException => true,
        // RedisTimeoutException derives from TimeoutException.
        TimeoutException => true,
        // The multiplexer was disposed under us (host shutting down).
        ObjectDisposedException => true,
        SocketException or IOException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0
            && aggregate.InnerExceptions.All(IsBackendFailure),
        _ => false,
    };

    public static string Describe(Exception exception)
    {
        var message = exception.Message.ReplaceLineEndings(" ");
        // StackExchange.Redis appends a long diagnostic tail after the first ';'; the head is what a reader needs.
        var cut = message.IndexOf("; ", StringComparison.Ordinal);
        if (cut > 0 && exception is RedisException or TimeoutException)
        {
            message = message[..cut];
        }

        return $"{exception.GetType().Name}: {message}";
    }
}
