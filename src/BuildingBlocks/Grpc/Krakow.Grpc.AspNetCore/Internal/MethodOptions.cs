using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>A method's options, resolved once when the method is mapped, so calls do no look-ups.</summary>
internal sealed class MethodOptions
{
    public MethodOptions(IMethod method, GrpcServiceOptions options)
    {
        Method = method;
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        EnableDetailedErrors = options.EnableDetailedErrors ?? false;
        ResponseCompressionLevel = options.ResponseCompressionLevel;
        CompressionProviders = options.CompressionProviders.ToDictionary(p => p.EncodingName, StringComparer.Ordinal);
        AcceptEncoding = string.Join(',', ["identity", .. CompressionProviders.Keys]);
        ResponseCompressionAlgorithm = options.ResponseCompressionAlgorithm;
        if (ResponseCompressionAlgorithm is not null && !CompressionProviders.ContainsKey(ResponseCompressionAlgorithm))
        {
            throw new InvalidOperationException($"ResponseCompressionAlgorithm '{ResponseCompressionAlgorithm}' has no compression provider.");
        }

        Interceptors = [.. options.Interceptors];
    }

    public IMethod Method { get; }

    public int? MaxReceiveMessageSize { get; }

    public int? MaxSendMessageSize { get; }

    public bool EnableDetailedErrors { get; }

    public string? ResponseCompressionAlgorithm { get; }

    public System.IO.Compression.CompressionLevel? ResponseCompressionLevel { get; }

    public IReadOnlyDictionary<string, ICompressionProvider> CompressionProviders { get; }

    /// <summary>The <c>grpc-accept-encoding</c> value the server announces.</summary>
    public string AcceptEncoding { get; }

    public IReadOnlyList<InterceptorRegistration> Interceptors { get; }
}
