using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Krakow.Host.Tests.Infrastructure;

/// <summary>The real platform host on loopback ports, with its own database, started as Program starts it.</summary>
public sealed class PlatformHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly TestDatabase database;

    private PlatformHost(WebApplication app, TestDatabase database, int grpcPort, int webPort)
    {
        this.app = app;
        this.database = database;
        GrpcPort = grpcPort;
        WebPort = webPort;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        Web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
    }

    public int GrpcPort { get; }

    public int WebPort { get; }

    /// <summary>A channel to the gRPC (HTTP/2) port.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>An HTTP/1.1 client for the web port (health pages, gRPC-Web, images).</summary>
    public HttpClient Web { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<PlatformHost> StartAsync(
        DatabaseKind databaseKind = DatabaseKind.Sqlite,
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? configureApp = null)
    {
        var database = await TestDatabase.CreateAsync(databaseKind);

        // A port the OS called free can be taken by another process before we bind it: try a few pairs.
        for (var attempt = 1; ; attempt++)
        {
            var grpcPort = FreePort();
            var webPort = FreePort();
            var app = Create(database, grpcPort, webPort, settings, configure, configureApp);
            try
            {
                await app.StartPlatformAsync();
                return new PlatformHost(app, database, grpcPort, webPort);
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static WebApplication Create(
        TestDatabase database,
        int grpcPort,
        int webPort,
        IDictionary<string, string?>? settings,
        Action<WebApplicationBuilder>? configure,
        Action<WebApplication>? configureApp)
    {
        var configuration = new Dictionary<string, string?>(database.Settings)
        {
            ["Platform:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Platform:WebPort"] = webPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var setting in TestApiKeys.Configuration())
        {
            configuration[setting.Key] = setting.Value;
        }

        foreach (var setting in settings ?? new Dictionary<string, string?>())
        {
            configuration[setting.Key] = setting.Value;
        }

        return PlatformApplication.Create(
            [],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(configuration);
                configure?.Invoke(builder);
            },
            configureApp);
    }

    /// <summary>Stops the host as SIGTERM would: stop accepting, drain in-flight calls, then return.</summary>
    public Task StopAsync() => app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Web.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
