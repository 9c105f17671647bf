namespace Grpc.Core;

/// <summary>Per-call options of a client call.</summary>
public readonly struct CallOptions
{
    public CallOptions(
        Metadata? headers = null,
        DateTime? deadline = null,
        CancellationToken cancellationToken = default,
        WriteOptions? writeOptions = null,
        ContextPropagationToken? propagationToken = null,
        CallCredentials? credentials = null)
    {
        Headers = headers;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        WriteOptions = writeOptions;
        PropagationToken = propagationToken;
        Credentials = credentials;
    }

    public Metadata? Headers { get; }

    public DateTime? Deadline { get; }

    public CancellationToken CancellationToken { get; }

    public WriteOptions? WriteOptions { get; }

    public ContextPropagationToken? PropagationToken { get; }

    public CallCredentials? Credentials { get; }

    public CallOptions WithHeaders(Metadata headers) => new(headers, Deadline, CancellationToken, WriteOptions, PropagationToken, Credentials);

    public CallOptions WithDeadline(DateTime deadline) => new(Headers, deadline, CancellationToken, WriteOptions, PropagationToken, Credentials);

    public CallOptions WithCancellationToken(CancellationToken cancellationToken) => new(Headers, Deadline, cancellationToken, WriteOptions, PropagationToken, Credentials);

    public CallOptions WithWriteOptions(WriteOptions writeOptions) => new(Headers, Deadline, CancellationToken, writeOptions, PropagationToken, Credentials);

    public CallOptions WithCredentials(CallCredentials credentials) => new(Headers, Deadline, CancellationToken, WriteOptions, PropagationToken, credentials);
}

/// <summary>Adds metadata (typically <c>authorization</c>) to each call before it is sent.</summary>
public abstract class CallCredentials
{
    /// <summary>Credentials computed per call by an async callback.</summary>
    public static CallCredentials FromInterceptor(AsyncAuthInterceptor interceptor) => new InterceptorCallCredentials(interceptor);

    /// <summary>Adds this credential's metadata for a call to <paramref name="metadata"/>.</summary>
    public abstract Task ApplyAsync(AuthInterceptorContext context, Metadata metadata);

    private sealed class InterceptorCallCredentials(AsyncAuthInterceptor interceptor) : CallCredentials
    {
        public override Task ApplyAsync(AuthInterceptorContext context, Metadata metadata) => interceptor(context, metadata);
    }
}

public delegate Task AsyncAuthInterceptor(AuthInterceptorContext context, Metadata metadata);

public sealed class AuthInterceptorContext(string serviceUrl, string methodName, CancellationToken cancellationToken = default)
{
    public string ServiceUrl { get; } = serviceUrl;

    public string MethodName { get; } = methodName;

    public CancellationToken CancellationToken { get; } = cancellationToken;
}
