using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime.Infrastructure;

/// <summary>A whole response as it came over the wire: HTTP status, headers, body bytes, trailers.</summary>
public sealed class RawGrpcResponse
{
    public RawGrpcResponse(HttpResponseMessage response, byte[] body)
    {
        HttpStatus = response.StatusCode;
        Version = response.Version;
        Headers = ToDictionary(response.Headers.Concat(response.Content.Headers));
        Trailers = ToDictionary(response.TrailingHeaders);
        Body = body;
    }

    public HttpStatusCode HttpStatus { get; }

    public Version Version { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public IReadOnlyDictionary<string, string> Trailers { get; }

    public byte[] Body { get; }

    public string? ContentType => Header("content-type");

    public IReadOnlyList<GrpcFrame> Frames => GrpcFrames.Parse(Body);

    /// <summary>grpc-status from the trailers, or from the headers of a Trailers-Only response.</summary>
    public string? GrpcStatus => Trailer("grpc-status") ?? Header("grpc-status");

    /// <summary>grpc-message as sent (percent-encoded).</summary>
    public string? RawGrpcMessage => Trailer("grpc-message") ?? Header("grpc-message");

    /// <summary>grpc-message, percent-decoded.</summary>
    public string? GrpcMessage => RawGrpcMessage is { } raw ? GrpcFrames.PercentDecode(raw) : null;

    /// <summary>The status came in the only HEADERS frame: no body, no trailers.</summary>
    public bool IsTrailersOnly => Header("grpc-status") is not null && Body.Length == 0 && Trailers.Count == 0;

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public string? Trailer(string name) => Trailers.GetValueOrDefault(name);

    public T SingleMessage<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var frames = Frames;
        frames.Count.ShouldBe(1, Describe());
        frames[0].Flag.ShouldBe(GrpcFrames.Uncompressed, Describe());
        return parser.ParseFrom(frames[0].Payload);
    }

    public void ShouldBeOk() => ShouldHaveStatus(StatusCode.OK);

    /// <summary>HTTP 200 with this grpc-status and, when given, exactly this (decoded) grpc-message.</summary>
    public void ShouldHaveStatus(StatusCode code, string? message = null)
    {
        HttpStatus.ShouldBe(HttpStatusCode.OK, Describe());
        GrpcStatus.ShouldBe(((int)code).ToString(CultureInfo.InvariantCulture), Describe());
        if (message is not null)
        {
            GrpcMessage.ShouldBe(message, Describe());
        }
    }

    /// <summary>Everything that came back, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"HTTP/{Version} {(int)HttpStatus}\n");
        foreach (var (name, value) in Headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {name}: {value}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"body: {Body.Length} bytes {Convert.ToHexString(Body.AsSpan(0, Math.Min(Body.Length, 64)))}\n");
        foreach (var (name, value) in Trailers)
        {
            text.Append(CultureInfo.InvariantCulture, $"  trailer {name}: {value}\n");
        }

        return text.ToString();
    }

    private static Dictionary<string, string> ToDictionary(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
}
