using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Krakow.Host;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>
/// The real platform host on loopback ports, on a database of its own (a SQLite folder, or a fresh PostgreSQL
/// database when the test asks and <c>KRAKOW_TEST_POSTGRES</c> is set) or on one shared with other instances, with a
/// <see cref="SearchCatalog"/> in place of the plugin catalogue: the search tests need campaigns that are open,
/// closed and in later seasons at will.
/// </summary>
internal sealed class SearchHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SearchDatabase? ownDatabase;

    private SearchHost(WebApplication app, SearchCatalog catalog, SearchDatabase? ownDatabase, int grpcPort, int webPort)
    {
        this.app = app;
        this.ownDatabase = ownDatabase;
        Catalog = catalog;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        Web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
    }

    public SearchCatalog Catalog { get; }

    public GrpcChannel Channel { get; }

    /// <summary>An HTTP/1.1 client for the web port.</summary>
    public HttpClient Web { get; }

    public IServiceProvider Services => app.Services;

    public Listings.ListingsClient Listings => new(Channel);

    /// <summary>Starts a host; on <paramref name="shared"/> (which the caller disposes) or on a new database of its own.</summary>
    public static async Task<SearchHost> StartAsync(
        SearchDatabase? shared = null, SearchCatalog? catalog = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        catalog ??= new SearchCatalog();
        var database = shared ?? await SearchDatabase.CreateAsync(postgreSql: false);

        // A port the OS called free can be taken by another process before we bind it: try a few pairs.
        for (var attempt = 1; ; attempt++)
        {
            var grpcPort = FreePort();
            var webPort = FreePort();
            var app = Create(database, catalog, grpcPort, webPort, settings, services);
            try
            {
                await app.StartPlatformAsync();
                return new SearchHost(app, catalog, shared is null ? database : null, grpcPort, webPort);
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
            catch
            {
                await app.DisposeAsync();
                if (shared is null)
                {
                    await database.DisposeAsync();
                }

                throw;
            }
        }
    }

    private static WebApplication Create(
        SearchDatabase database, SearchCatalog catalog, int grpcPort, int webPort, IDictionary<string, string?>? settings, Action<IServiceCollection>? services)
    {
        var configuration = new Dictionary<string, string?>(database.Settings)
        {
            ["Platform:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Platform:WebPort"] = webPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var setting in TestRateLimits.Unthrottled().Concat(settings ?? new Dictionary<string, string?>()))
        {
            configuration[setting.Key] = setting.Value;
        }

        return PlatformApplication.Create(
            [],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(configuration);
                // Applied when the container is built, after every module's registrations.
                builder.Host.UseServiceProviderFactory(new OverridingServiceProviderFactory(collection =>
                {
                    collection.RemoveAll<ICampaignCatalog>();
                    collection.AddSingleton<ICampaignCatalog>(catalog);
                    services?.Invoke(collection);
                }));
            });
    }

    /// <summary>Waits until the index has applied every listing change committed so far.</summary>
    public async Task CatchUpAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Services.GetRequiredService<IListingIndex>().CatchUpAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Web.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        if (ownDatabase is not null)
        {
            await ownDatabase.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class OverridingServiceProviderFactory(Action<IServiceCollection> overrides) : IServiceProviderFactory<IServiceCollection>
    {
        public IServiceCollection CreateBuilder(IServiceCollection services)
        {
            overrides(services);
            return services;
        }

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => containerBuilder.BuildServiceProvider();
    }
}

/// <summary>A database for one or more hosts: a SQLite folder, or a fresh database on the test PostgreSQL server.</summary>
internal sealed class SearchDatabase : IAsyncDisposable
{
    private const string PostgresVariable = "KRAKOW_TEST_POSTGRES";
    private readonly string? folder;
    private readonly (string Admin, string Name)? postgres;

    private SearchDatabase(IReadOnlyDictionary<string, string?> settings, string? folder, (string, string)? postgres)
    {
        Settings = settings;
        this.folder = folder;
        this.postgres = postgres;
    }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    public static async Task<SearchDatabase> CreateAsync(bool postgreSql)
    {
        if (!postgreSql)
        {
            var folder = Directory.CreateTempSubdirectory("krakow-maps-search-").FullName;
            return new SearchDatabase(new Dictionary<string, string?> { ["Platform:DataDirectory"] = folder }, folder, null);
        }

        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException($"{PostgresVariable} is not set: run the tests with scripts/test.sh, which starts PostgreSQL.");
        }

        var name = "maps_search_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new SearchDatabase(new Dictionary<string, string?> { ["ConnectionStrings:Platform"] = connectionString }, null, (admin, name));
    }

    public async ValueTask DisposeAsync()
    {
        if (folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        if (postgres is { } pg)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(pg.Admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {pg.Name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
