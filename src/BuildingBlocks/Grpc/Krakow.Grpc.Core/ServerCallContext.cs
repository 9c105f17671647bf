namespace Grpc.Core;

/// <summary>What a server handler knows of its call, and how it shapes the response's headers and trailers.</summary>
public abstract class ServerCallContext
{
    private Dictionary<object, object>? userState;

    public string Method => MethodCore;

    public string Host => HostCore;

    public string Peer => PeerCore;

    /// <summary>When the call must end; <see cref="DateTime.MaxValue"/> when the client set no deadline.</summary>
    public DateTime Deadline => DeadlineCore;

    public Metadata RequestHeaders => RequestHeadersCore;

    /// <summary>Cancelled when the client cancels, the deadline passes or the connection ends.</summary>
    public CancellationToken CancellationToken => CancellationTokenCore;

    /// <summary>Trailers sent with the status when the handler ends.</summary>
    public Metadata ResponseTrailers => ResponseTrailersCore;

    /// <summary>The status sent when the handler returns normally.</summary>
    public Status Status
    {
        get => StatusCore;
        set => StatusCore = value;
    }

    public WriteOptions? WriteOptions
    {
        get => WriteOptionsCore;
        set => WriteOptionsCore = value;
    }

    public AuthContext AuthContext => AuthContextCore;

    /// <summary>A bag for interceptors and handlers to share state for this call.</summary>
    public IDictionary<object, object> UserState => UserStateCore;

    /// <summary>Sends response headers now; at most once, and before the first message.</summary>
    public Task WriteResponseHeadersAsync(Metadata responseHeaders) => WriteResponseHeadersAsyncCore(responseHeaders);

    public ContextPropagationToken CreatePropagationToken(ContextPropagationOptions? options = null) =>
        CreatePropagationTokenCore(options);

    protected abstract string MethodCore { get; }

    protected abstract string HostCore { get; }

    protected abstract string PeerCore { get; }

    protected abstract DateTime DeadlineCore { get; }

    protected abstract Metadata RequestHeadersCore { get; }

    protected abstract CancellationToken CancellationTokenCore { get; }

    protected abstract Metadata ResponseTrailersCore { get; }

    protected abstract Status StatusCore { get; set; }

    protected abstract WriteOptions? WriteOptionsCore { get; set; }

    protected abstract AuthContext AuthContextCore { get; }

    protected virtual IDictionary<object, object> UserStateCore => userState ??= [];

    protected abstract Task WriteResponseHeadersAsyncCore(Metadata responseHeaders);

    protected abstract ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options);
}

/// <summary>The authenticated identity of the peer, as properties (for example <c>x509_common_name</c>).</summary>
public sealed class AuthContext(string? peerIdentityPropertyName, Dictionary<string, List<AuthProperty>> properties)
{
    public string? PeerIdentityPropertyName { get; } = peerIdentityPropertyName;

    public bool IsPeerAuthenticated => PeerIdentityPropertyName is not null;

    public IEnumerable<AuthProperty> PeerIdentity =>
        PeerIdentityPropertyName is null ? [] : FindPropertiesByName(PeerIdentityPropertyName);

    public IEnumerable<AuthProperty> Properties => properties.Values.SelectMany(v => v);

    public IEnumerable<AuthProperty> FindPropertiesByName(string propertyName) =>
        properties.TryGetValue(propertyName, out var found) ? found : [];
}

public sealed class AuthProperty(string name, byte[] valueBytes)
{
    public string Name { get; } = name;

    public string Value => System.Text.Encoding.UTF8.GetString(valueBytes);

    public byte[] ValueBytes => (byte[])valueBytes.Clone();
}

/// <summary>Carries a server call's deadline and cancellation into the outgoing calls it makes.</summary>
public abstract class ContextPropagationToken
{
}

public sealed class ContextPropagationOptions(bool propagateDeadline = true, bool propagateCancellation = true)
{
    public static readonly ContextPropagationOptions Default = new();

    public bool IsPropagateDeadline { get; } = propagateDeadline;

    public bool IsPropagateCancellation { get; } = propagateCancellation;
}
