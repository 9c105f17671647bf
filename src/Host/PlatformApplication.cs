using System.Net;
using Grpc.AspNetCore.Web;
using Krakow.BuildingBlocks.Caching;
using Krakow.BuildingBlocks.Configuration;
using Krakow.BuildingBlocks.Modules;
using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Security;
using Krakow.Host.Configuration;
using Krakow.Host.Health;
using Microsoft.AspNetCore.HttpOverrides;

namespace Krakow.Host;

/// <summary>Builds and starts the platform: configuration, Kestrel, the gRPC runtime, the modules, health.</summary>
public static class PlatformApplication
{
    /// <summary>Response headers a browser's gRPC-Web client must be able to read.</summary>
    private static readonly string[] GrpcWebExposedHeaders = ["grpc-status", "grpc-message", "grpc-status-details-bin", "grpc-encoding", "grpc-accept-encoding"];

    /// <summary>
    /// Builds the application. <paramref name="configure"/> adds configuration or services before the build and
    /// <paramref name="configureApp"/> maps extra endpoints after it (tests and embedders use them).
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? configureApp = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var configuration = builder.Configuration;

        var platform = BindPlatformOptions(configuration);
        builder.Services.AddSingleton(platform);
        builder.WebHost.ConfigureKestrel(kestrel => KestrelSetup.Configure(kestrel, platform));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(platform.ShutdownTimeoutSeconds));
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddSingleton(DatabaseOptions.FromConfiguration(configuration, builder.Environment.ContentRootPath));
        builder.Services.AddPlatformCache(configuration);
        builder.Services.AddPlatformSecurity(configuration);
        builder.Services.AddSingleton<DatabaseUnavailableInterceptor>();
        builder.Services.AddGrpc(options =>
        {
            options.EnableDetailedErrors = builder.Environment.IsDevelopment();
            options.Interceptors.Add<DatabaseUnavailableInterceptor>();
        });
        builder.Services.AddGrpcHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);
        builder.Services.AddGrpcReflection();
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (platform.AllowedOrigins.Count == 0)
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins([.. platform.AllowedOrigins]);
            }

            policy.WithMethods("POST").AllowAnyHeader().WithExposedHeaders(GrpcWebExposedHeaders);
        }));

        var modules = ModuleCatalog.Discover(configuration);
        builder.Services.AddPlatformModules(modules, configuration);

        var app = builder.Build();
        UseTrustedProxies(app, platform);
        app.UseCors();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UsePlatformAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapPlatformHealth();
        app.MapGrpcHealthChecksService().RequireRateLimiting(RateLimitPolicies.Streams);
        app.MapGrpcReflectionService().RequireRateLimiting(RateLimitPolicies.Streams);
        app.MapPlatformModules();
        configureApp?.Invoke(app);
        return app;
    }

    /// <summary>Brings every module's database up to date, then starts listening.</summary>
    public static async Task StartPlatformAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await app.Services.MigrateModuleDatabasesAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        var catalog = app.Services.GetRequiredService<ModuleCatalog>();
        app.Logger.LogInformation(
            "Kraków Platform listening on {Addresses}; modules: {Enabled}; disabled: {Disabled}",
            string.Join(", ", app.Urls),
            string.Join(", ", catalog.Enabled.Select(m => m.Name)),
            catalog.Disabled.Count == 0 ? "none" : string.Join(", ", catalog.Disabled));
    }

    /// <summary>Takes the caller's address from <c>X-Forwarded-For</c>, but only on connections from a configured proxy.</summary>
    private static void UseTrustedProxies(WebApplication app, PlatformOptions platform)
    {
        if (platform.TrustedProxies.Count == 0)
        {
            return;
        }

        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        foreach (var proxy in platform.TrustedProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        app.UseForwardedHeaders(forwarded);
    }

    private static PlatformOptions BindPlatformOptions(IConfiguration configuration)
    {
        PlatformOptions platform;
        try
        {
            platform = configuration.GetSection(PlatformOptions.SectionName).Get<PlatformOptions>() ?? new PlatformOptions();
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key ("Failed to convert configuration value at 'Platform:GrpcPort' …").
            throw new PlatformConfigurationException(PlatformOptions.SectionName, "holds a value of the wrong type: " + ex.Message);
        }

        platform.Validate();
        return platform;
    }
}
