using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Krakow.Host;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Infrastructure.Plugins;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// The real platform host on loopback ports, as Program starts it, with its own data folder and the plugins
/// directories the test chose (<c>Maps:PluginsDirectory</c>, <c>Maps:AdditionalPluginsDirectories</c>); it records
/// what the plugin loader logs and knows the test API keys. Tests look through gRPC (and gRPC-Web), /readyz and the
/// logs; only the collection tests reach the registry, for a weak reference to a plugin's load context.
/// </summary>
internal sealed class PluginTestHost : IAsyncDisposable
{
    private const string PluginsLogCategory = "Krakow.Modules.Maps.Infrastructure.Plugins";

    private readonly WebApplication app;
    private readonly string dataFolder;

    private PluginTestHost(WebApplication app, string dataFolder, RecordingLoggerProvider logs, int grpcPort, int webPort)
    {
        this.app = app;
        this.dataFolder = dataFolder;
        Logs = logs;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        WebChannel = GrpcChannel.ForAddress(
            $"http://127.0.0.1:{webPort}",
            new GrpcChannelOptions { HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new SocketsHttpHandler()) { HttpVersion = HttpVersion.Version11 } });
        Web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
    }

    /// <summary>gRPC over HTTP/2 on the gRPC port.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>gRPC-Web over HTTP/1.1 on the web port, as a browser calls.</summary>
    public GrpcChannel WebChannel { get; }

    public PluginAdministration.PluginAdministrationClient Administration => new(Channel);

    /// <summary>The host's plugin registry (collection tests only: a weak reference to a load context).</summary>
    internal PluginRegistry Registry => app.Services.GetRequiredService<PluginRegistry>();

    public HttpClient Web { get; }

    /// <summary>What the plugin loader, registry and catalogue logged (Information and above).</summary>
    public RecordingLoggerProvider Logs { get; }

    public Campaigns.CampaignsClient Campaigns => new(Channel);

    /// <param name="pluginsDirectory">Maps:PluginsDirectory; null leaves the default (plugins next to Krakow.Host.dll).</param>
    /// <param name="settings">More configuration (the hot reload timings, say).</param>
    public static async Task<PluginTestHost> StartAsync(
        string? pluginsDirectory,
        IReadOnlyList<string>? additionalDirectories = null,
        TimeSpan? callTimeout = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        foreach (var key in TestApiKeys.Configuration().Concat(TestRateLimits.Unthrottled()))
        {
            configuration[key.Key] = key.Value;
        }

        return await StartCoreAsync(pluginsDirectory, additionalDirectories, callTimeout, configuration);
    }

    /// <summary>Hot reload as fast as the tests can take it: settle 0.5 s, incomplete folders 2 s, rescan every 2 s.</summary>
    public static IReadOnlyDictionary<string, string?> FastReload(TimeSpan? settle = null) => new Dictionary<string, string?>
    {
        ["Maps:PluginSettleTime"] = (settle ?? TimeSpan.FromMilliseconds(500)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["Maps:PluginIncompleteTimeout"] = "00:00:02",
        ["Maps:PluginRescanInterval"] = "00:00:02",
    };

    private static async Task<PluginTestHost> StartCoreAsync(
        string? pluginsDirectory, IReadOnlyList<string>? additionalDirectories, TimeSpan? callTimeout, Dictionary<string, string?> extra)
    {
        var dataFolder = Directory.CreateTempSubdirectory("krakow-plugin-tests-data-").FullName;
        var grpcPort = FreePort();
        var webPort = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["Platform:DataDirectory"] = dataFolder,
            ["Platform:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Platform:WebPort"] = webPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            [$"Logging:LogLevel:{PluginsLogCategory}"] = "Information",
        };
        if (pluginsDirectory is not null)
        {
            settings["Maps:PluginsDirectory"] = pluginsDirectory;
        }

        for (var i = 0; i < (additionalDirectories?.Count ?? 0); i++)
        {
            settings[$"Maps:AdditionalPluginsDirectories:{i}"] = additionalDirectories![i];
        }

        if (callTimeout is { } timeout)
        {
            settings["Maps:PluginCallTimeout"] = timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var logs = new RecordingLoggerProvider(PluginsLogCategory);
        var app = PlatformApplication.Create([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.AddProvider(logs);
        });
        try
        {
            await app.StartPlatformAsync();
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(dataFolder, recursive: true);
            throw;
        }

        return new PluginTestHost(app, dataFolder, logs, grpcPort, webPort);
    }

    /// <summary>/readyz once no check is Unhealthy any more (other modules' checks, such as the search index, warm up after start).</summary>
    public async Task<ReadinessReport> WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var report = await ReadyAsync();
            if (report.Status != "Unhealthy" || DateTime.UtcNow > deadline)
            {
                return report;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>GET /readyz, the <c>plugins</c> check of it, the HTTP status and the body as sent.</summary>
    public async Task<ReadinessReport> ReadyAsync()
    {
        using var response = await Web.GetAsync(new Uri("/readyz", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(body);
        var plugins = document.RootElement.GetProperty("checks").GetProperty("plugins");
        var entries = new Dictionary<string, PluginEntry>(StringComparer.Ordinal);
        foreach (var property in plugins.GetProperty("data").EnumerateObject())
        {
            entries[property.Name] = new PluginEntry(
                property.Value.GetProperty("id").GetString(),
                property.Value.GetProperty("version").GetString(),
                property.Value.GetProperty("state").GetString()!,
                property.Value.GetProperty("reason").GetString(),
                property.Value.GetProperty("campaignId").GetString(),
                property.Value.TryGetProperty("reloadFailure", out var failure) ? failure.GetString() : null);
        }

        return new ReadinessReport(
            response.StatusCode,
            document.RootElement.GetProperty("status").GetString()!,
            plugins.GetProperty("status").GetString()!,
            plugins.GetProperty("description").GetString()!,
            entries,
            body);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        WebChannel.Dispose();
        Web.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(dataFolder, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The readiness answer: HTTP status, overall status, the plugins check and its entry per plugin folder (keyed as
/// /readyz names folders: relative to their plugins directory), and the JSON body.
/// </summary>
internal sealed record ReadinessReport(
    HttpStatusCode HttpStatus, string Status, string PluginsStatus, string PluginsDescription, IReadOnlyDictionary<string, PluginEntry> Plugins, string Body)
{
    /// <summary>The main plugins directory's <paramref name="folderName"/>, or "Maps:AdditionalPluginsDirectories:N/name".</summary>
    public PluginEntry For(string folderName) =>
        Plugins.TryGetValue(folderName, out var entry)
            ? entry
            : throw new InvalidOperationException($"/readyz has no plugin entry for {folderName}; it has: {string.Join(", ", Plugins.Keys)}");
}

internal sealed record PluginEntry(string? Id, string? Version, string State, string? Reason, string? CampaignId, string? ReloadFailure = null);

/// <summary>Keeps the log messages of categories under one prefix.</summary>
internal sealed class RecordingLoggerProvider(string categoryPrefix) : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyCollection<LogEntry> Entries => entries;

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith(categoryPrefix, StringComparison.Ordinal) ? new Recorder(categoryName, entries) : NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception)));
    }

    private sealed class NullLogger : ILogger
    {
        public static readonly NullLogger Instance = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}

internal sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message);
