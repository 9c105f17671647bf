using System.IO.Compression;
using Grpc.Core.Interceptors;
using Grpc.Net.Compression;

namespace Grpc.AspNetCore.Server;

/// <summary>Options of the gRPC server, for all services (<c>AddGrpc</c>) or one (<c>AddServiceOptions</c>).</summary>
public class GrpcServiceOptions
{
    /// <summary>The largest request message accepted, in bytes; null for no limit. Default 4 MiB.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest response message sent, in bytes; null (the default) for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Sends exception messages to clients; for development only. Default false.</summary>
    public bool? EnableDetailedErrors { get; set; }

    /// <summary>Compresses responses with this algorithm when the client accepts it (for example "gzip").</summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    public CompressionLevel? ResponseCompressionLevel { get; set; }

    /// <summary>The algorithms the server reads and writes. Default gzip and deflate.</summary>
    public IList<ICompressionProvider> CompressionProviders { get; set; } = [new GzipCompressionProvider(), new DeflateCompressionProvider()];

    /// <summary>Server interceptors; the first added is the outermost.</summary>
    public InterceptorCollection Interceptors { get; } = [];

    /// <summary>When true, calls to unknown services fall through to the rest of the pipeline instead of UNIMPLEMENTED.</summary>
    public bool IgnoreUnknownServices { get; set; }
}

/// <summary>Options of one service: starts as a copy of the global <see cref="GrpcServiceOptions"/>.</summary>
public class GrpcServiceOptions<TService> : GrpcServiceOptions
    where TService : class
{
}

/// <summary>The server interceptors, by type (created per call through DI) or as instances.</summary>
public sealed class InterceptorCollection : List<InterceptorRegistration>
{
    public void Add<TInterceptor>(params object[] args)
        where TInterceptor : Interceptor => Add(new InterceptorRegistration(typeof(TInterceptor), args));

    public void Add(Type interceptorType, params object[] args) => Add(new InterceptorRegistration(interceptorType, args));
}

public sealed class InterceptorRegistration
{
    public InterceptorRegistration(Type type, object[] arguments)
    {
        if (!typeof(Interceptor).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{type} is not a {nameof(Interceptor)}.", nameof(type));
        }

        Type = type;
        Arguments = arguments;
    }

    public Type Type { get; }

    public IReadOnlyList<object> Arguments { get; }
}
