using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Web;
using Krakow.Grpc.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime.Infrastructure;

/// <summary>How a test wants its host configured; everything not set is the default host.</summary>
public sealed class RuntimeHostOptions
{
    /// <summary>Global gRPC options (<c>AddGrpc(options => …)</c>).</summary>
    public Action<GrpcServiceOptions>? Grpc { get; set; }

    /// <summary>Per-service configuration on the server builder (<c>AddServiceOptions&lt;T&gt;</c>).</summary>
    public Action<IGrpcServerBuilder>? GrpcServer { get; set; }

    /// <summary>Kestrel's own options (limits), applied after the endpoints are set up.</summary>
    public Action<KestrelServerOptions>? Kestrel { get; set; }

    /// <summary>gRPC-Web on every gRPC endpoint, not only on RuntimeTest (which is mapped with EnableGrpcWeb()).</summary>
    public bool GrpcWebDefaultEnabled { get; set; }
}

/// <summary>
/// A real Kestrel host on loopback serving RuntimeTest (with gRPC-Web enabled) and SecondTest (without), behind
/// CORS, authentication (<see cref="TestAuthenticationHandler"/>), authorization and the gRPC-Web middleware.
/// <see cref="Port"/> is HTTP/2 only (h2c with prior knowledge); <see cref="WebPort"/> speaks HTTP/1.1 and HTTP/2.
/// </summary>
public sealed class RuntimeHost : IAsyncDisposable
{
    public const string AllowedOrigin = "https://app.example";

    private readonly WebApplication app;

    private RuntimeHost(WebApplication app, int port, int webPort, CapturedLogs logs)
    {
        this.app = app;
        Port = port;
        WebPort = webPort;
        Logs = logs;
        Client = new RawGrpcClient(port, HttpVersion.Version20);
        Http1Client = new RawGrpcClient(webPort, HttpVersion.Version11);
    }

    public int Port { get; }

    public int WebPort { get; }

    /// <summary>HTTP/2 (prior knowledge) to <see cref="Port"/>.</summary>
    public RawGrpcClient Client { get; }

    /// <summary>HTTP/1.1 to <see cref="WebPort"/>.</summary>
    public RawGrpcClient Http1Client { get; }

    public CallProbes Probes => app.Services.GetRequiredService<CallProbes>();

    public InterceptionLog Interceptions => app.Services.GetRequiredService<InterceptionLog>();

    public CapturedLogs Logs { get; }

    public static async Task<RuntimeHost> StartAsync(Action<RuntimeHostOptions>? configure = null)
    {
        var options = new RuntimeHostOptions();
        configure?.Invoke(options);

        // A free port may be taken by someone else between FreePort.Next() and the bind: try fresh ones.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync(options);
            }
            catch (IOException ex) when (ex.InnerException is AddressInUseException && attempt < 5)
            {
            }
        }
    }

    private static async Task<RuntimeHost> TryStartAsync(RuntimeHostOptions options)
    {
        var port = FreePort.Next();
        var webPort = FreePort.Next();
        var logs = new CapturedLogs();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, webPort, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            options.Kestrel?.Invoke(kestrel);
        });
        builder.Services.AddSingleton<CallProbes>();
        builder.Services.AddSingleton<InterceptionLog>();
        var grpc = builder.Services.AddGrpc(o => options.Grpc?.Invoke(o));
        options.GrpcServer?.Invoke(grpc);
        builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(AllowedOrigin)
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders("grpc-status", "grpc-message", "grpc-status-details-bin", "grpc-encoding", "grpc-accept-encoding")));

        var app = builder.Build();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = options.GrpcWebDefaultEnabled });
        app.MapGrpcService<RuntimeTestService>().EnableGrpcWeb();
        app.MapGrpcService<SecondTestService>();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new RuntimeHost(app, port, webPort, logs);
    }

    /// <summary>A good Echo over a new HTTP/2 connection succeeds: the host survived whatever the test did.</summary>
    public async Task ShouldStillServeAsync()
    {
        using var fresh = new RawGrpcClient(Port, HttpVersion.Version20);
        var response = await fresh.UnaryAsync(Methods.Echo, new EchoRequest { Text = "still there?" });
        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("still there?");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http1Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>The default host, shared by the tests of one class.</summary>
public sealed class RuntimeHostFixture : IAsyncLifetime
{
    private RuntimeHost? host;

    public RuntimeHost Host => host ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync() => host = await RuntimeHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }
}

/// <summary>The HTTP paths of the test methods.</summary>
public static class Methods
{
    public const string Echo = "/krakow.tests.runtime.v1.RuntimeTest/Echo";
    public const string CountUp = "/krakow.tests.runtime.v1.RuntimeTest/CountUp";
    public const string Concatenate = "/krakow.tests.runtime.v1.RuntimeTest/Concatenate";
    public const string Chat = "/krakow.tests.runtime.v1.RuntimeTest/Chat";
    public const string SecondEcho = "/krakow.tests.runtime.v1.SecondTest/Echo";
    public const string WhoAmI = "/krakow.tests.runtime.v1.SecondTest/WhoAmI";
}
