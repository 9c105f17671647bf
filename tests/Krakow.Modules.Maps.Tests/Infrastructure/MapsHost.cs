using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Krakow.Host;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Campaigns;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>How a test wants its host.</summary>
internal sealed record MapsHostOptions
{
    public DatabaseKind Database { get; init; } = DatabaseKind.Sqlite;

    /// <summary>
    /// The campaigns: a test catalogue (default: <see cref="TestCampaigns.All"/>), or null for the real plugins the
    /// build ships (copied from the host's output into this project's plugins folder, the default Maps:PluginsDirectory).
    /// </summary>
    public TestCampaignCatalog? Catalogue { get; init; } = new(TestCampaigns.All());

    /// <summary>Where the host's clock starts (default: 1 December 2026, while every test campaign is open).</summary>
    public DateTimeOffset Now { get; init; } = new(2026, 12, 1, 12, 0, 0, TimeSpan.FromHours(1));

    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
}

/// <summary>
/// The real platform host, started as Program starts it, on loopback ports with a database of its own; the clock
/// and (unless the real plugins are wanted) the campaign catalogue are the test's.
/// </summary>
internal sealed class MapsHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly TestDatabase database;
    private readonly MapsHostOptions options;
    private bool databaseHandedOver;

    private MapsHost(WebApplication app, TestDatabase database, MapsHostOptions options, TestClock clock, TestCampaignCatalog? catalogue, int grpcPort, int webPort)
    {
        this.app = app;
        this.database = database;
        this.options = options;
        Clock = clock;
        Catalogue = catalogue;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        WebChannel = GrpcChannel.ForAddress(
            $"http://127.0.0.1:{webPort}",
            new GrpcChannelOptions { HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new SocketsHttpHandler()) { HttpVersion = HttpVersion.Version11 } });
        Web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
    }

    public TestClock Clock { get; }

    public TestCampaignCatalog? Catalogue { get; }

    /// <summary>gRPC over HTTP/2 on the gRPC port.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>gRPC-Web over HTTP/1.1 on the web port, as a browser calls.</summary>
    public GrpcChannel WebChannel { get; }

    /// <summary>Plain HTTP/1.1 on the web port (images).</summary>
    public HttpClient Web { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>The host's data folder (SQLite file, offer images).</summary>
    public string DataFolder => database.Folder;

    public Krakow.Maps.V1.Campaigns.CampaignsClient Campaigns => new(Channel);

    public Krakow.Maps.V1.Applications.ApplicationsClient Applications => new(Channel);

    public Krakow.Maps.V1.Moderation.ModerationClient Moderation => new(Channel);

    public static async Task<MapsHost> StartAsync(MapsHostOptions? options = null)
    {
        options ??= new MapsHostOptions();
        var clock = new TestClock();
        clock.Set(options.Now);
        return await StartAsync(options, await TestDatabase.CreateAsync(options.Database), clock);
    }

    /// <summary>Stops this host and starts a new one on the same database and data folder, as a restart (or a second instance) would.</summary>
    public async Task<MapsHost> RestartAsync()
    {
        databaseHandedOver = true;
        await DisposeAsync();
        return await StartAsync(options, database, Clock);
    }

    private static async Task<MapsHost> StartAsync(MapsHostOptions options, TestDatabase database, TestClock clock)
    {
        var grpcPort = FreePort();
        var webPort = FreePort();

        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["Platform:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Platform:WebPort"] = webPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var setting in TestApiKeys.Configuration().Concat(TestRateLimits.Unthrottled()).Concat(options.Settings))
        {
            settings[setting.Key] = setting.Value;
        }

        var catalogue = options.Catalogue;
        if (catalogue is null && !Directory.Exists(Path.Combine(AppContext.BaseDirectory, "plugins")))
        {
            throw new InvalidOperationException($"No plugins folder in {AppContext.BaseDirectory}: build the host (it ships the campaign plugins) and this project.");
        }

        WebApplication? app = null;
        try
        {
            app = PlatformApplication.Create([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Host.UseServiceProviderFactory(new ServiceOverrides(services =>
                {
                    services.RemoveAll<TimeProvider>();
                    services.AddSingleton<TimeProvider>(clock);
                    if (catalogue is not null)
                    {
                        services.RemoveAll<ICampaignCatalog>();
                        services.AddSingleton<ICampaignCatalog>(catalogue);
                    }
                }));
            });
            await app.StartPlatformAsync();
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await database.DisposeAsync();
            throw;
        }

        return new MapsHost(app, database, options, clock, catalogue, grpcPort, webPort);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        WebChannel.Dispose();
        Web.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        if (!databaseHandedOver)
        {
            await database.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
