using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Krakow.Grpc.Tests.Infrastructure;
using Krakow.Grpc.Tests.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Krakow.Grpc.Tests.Client.Infrastructure;

/// <summary>
/// A real Kestrel host on loopback serving <see cref="ClientTestService"/> on our server runtime, for the client
/// behaviours that need a real server: deadlines, cancellation, limits, credentials. <see cref="Address"/> is
/// cleartext HTTP/2 with prior knowledge; <see cref="TlsAddress"/> is HTTP/2 over TLS (ALPN) with a self-signed
/// <see cref="Certificate"/> made for the host.
/// </summary>
public sealed class ClientTestHost : IAsyncLifetime
{
    private WebApplication? app;

    public int Port { get; private set; }

    public int TlsPort { get; private set; }

    public string Address => $"http://127.0.0.1:{Port}";

    public string TlsAddress => $"https://localhost:{TlsPort}";

    public X509Certificate2 Certificate { get; } = CreateCertificate();

    public ServerObservations Observations { get; } = new();

    public async Task InitializeAsync()
    {
        // A port the OS called free can be taken by another process before we bind it: try a few pairs.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            TlsPort = FreePort.Next();
            app = Build();
            try
            {
                await app.StartAsync();
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
        }
    }

    public async Task DisposeAsync()
    {
        Observations.ReleaseAll();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Certificate.Dispose();
    }

    private WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, Port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, TlsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(Certificate);
            });
        });
        builder.Services.AddSingleton(Observations);
        builder.Services.AddGrpc(options => options.MaxReceiveMessageSize = null);
        var built = builder.Build();
        built.MapGrpcService<ClientTestService>();
        return built;
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Through PKCS#12 so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}

/// <summary>What the server saw of the calls a test named with the <see cref="CallIdHeader"/> request header.</summary>
public sealed class ServerObservations
{
    public const string CallIdHeader = "x-call-id";

    private readonly ConcurrentDictionary<string, ObservedCall> calls = new();

    public static string NewCallId() => Guid.NewGuid().ToString("N");

    /// <summary>Call metadata naming the call <paramref name="callId"/>, plus any steering headers.</summary>
    public static Metadata Headers(string callId, params (string Name, string Value)[] extra)
    {
        var metadata = new Metadata { { CallIdHeader, callId } };
        foreach (var (name, value) in extra)
        {
            metadata.Add(name, value);
        }

        return metadata;
    }

    public ObservedCall this[string callId] => calls.GetOrAdd(callId, _ => new ObservedCall());

    internal ObservedCall? Track(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue(CallIdHeader) is not { } id)
        {
            return null;
        }

        var call = this[id];
        call.Deadline = context.Deadline;
        call.RequestHeaders = context.RequestHeaders;
        context.CancellationToken.Register(() => call.CancelledTcs.TrySetResult());
        call.StartedTcs.TrySetResult();
        return call;
    }

    internal void ReleaseAll()
    {
        foreach (var call in calls.Values)
        {
            call.Release();
        }
    }
}

/// <summary>One call as its handler saw it; the tasks complete when the handler started and when its token fired.</summary>
public sealed class ObservedCall
{
    internal TaskCompletionSource StartedTcs { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TaskCompletionSource CancelledTcs { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TaskCompletionSource ReleaseTcs { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => StartedTcs.Task;

    /// <summary>Completes when the call's <see cref="ServerCallContext.CancellationToken"/> fires.</summary>
    public Task Cancelled => CancelledTcs.Task;

    public DateTime Deadline { get; internal set; }

    public Metadata RequestHeaders { get; internal set; } = [];

    /// <summary>Lets a handler that ignores cancellation (<c>x-ignore-cancellation</c>) finish.</summary>
    public void Release() => ReleaseTcs.TrySetResult();
}

/// <summary>
/// RuntimeTest for the client tests. Request metadata steers it: <c>x-ignore-cancellation</c> makes Echo wait for
/// <see cref="ObservedCall.Release"/> without looking at its token; <c>x-reply-with-header: name</c> makes Echo
/// answer with that request header's value; <c>x-hold-open</c> keeps CountUp open after its last message (until
/// cancelled); <c>x-compress-replies</c> gzips the response messages.
/// </summary>
public sealed class ClientTestService(ServerObservations observations) : RuntimeTest.RuntimeTestBase
{
    private static readonly TimeSpan IgnoringLimit = TimeSpan.FromSeconds(30);

    public override async Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        var call = observations.Track(context);
        await SetUpAsync(context);
        if (context.RequestHeaders.GetValue("x-ignore-cancellation") is not null && call is not null)
        {
            // Deliberately blind to context.CancellationToken: only the client can end this call in time.
            await call.ReleaseTcs.Task.WaitAsync(IgnoringLimit);
        }

        if (request.DelayMs > 0)
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }

        if (request.ThrowMessage.Length > 0)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, request.ThrowMessage));
        }

        var text = context.RequestHeaders.GetValue("x-reply-with-header") is { } name ? context.RequestHeaders.GetValue(name) ?? "(none)" : request.Text;
        return Reply(text, request.ReplySize);
    }

    public override async Task CountUp(CountRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        observations.Track(context);
        await SetUpAsync(context);
        for (var i = 1; i <= request.Count; i++)
        {
            await responseStream.WriteAsync(Reply(i.ToString(System.Globalization.CultureInfo.InvariantCulture), 0));
            if (request.IntervalMs > 0)
            {
                await Task.Delay(request.IntervalMs, context.CancellationToken);
            }
        }

        if (context.RequestHeaders.GetValue("x-hold-open") is not null)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
    }

    public override async Task<EchoReply> Concatenate(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        observations.Track(context);
        await SetUpAsync(context);
        var text = new System.Text.StringBuilder();
        var count = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            text.Append(requestStream.Current.Text);
            count++;
        }

        return Reply($"{count}:{text}", 0);
    }

    public override async Task Chat(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        observations.Track(context);
        await SetUpAsync(context);
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            await responseStream.WriteAsync(Reply(requestStream.Current.Text, requestStream.Current.ReplySize));
        }
    }

    private static Task SetUpAsync(ServerCallContext context) =>
        context.RequestHeaders.GetValue("x-compress-replies") is not null
            ? context.WriteResponseHeadersAsync(new Metadata { { "grpc-internal-encoding-request", "gzip" } })
            : Task.CompletedTask;

    private static EchoReply Reply(string text, int size) => new() { Text = text, Payload = ByteString.CopyFrom(new byte[size]) };
}
