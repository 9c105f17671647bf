using Krakow.BuildingBlocks.Messaging;
using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Tests.Persistence.TestModule;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Krakow.BuildingBlocks.Tests.Persistence.Testing;

/// <summary>
/// A host as the platform's host wires one, reduced to the test module: DatabaseOptions as a singleton, the
/// module's database, its handlers, the outbox dispatcher as a hosted service. Several may share one database,
/// like host instances behind a load balancer, or one host after another, like a restart.
/// </summary>
public sealed class TestPlatform : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _started;

    private TestPlatform(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <param name="migrationsFolder">The test module's script set: TestModule (default), TestModuleV1, TestModuleTampered, TestModuleBroken.</param>
    public static TestPlatform Create(
        TestDatabase database, ITestOutputHelper output, string name = "host",
        Action<IServiceCollection>? configure = null, string migrationsFolder = "TestModule")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new XunitLoggerProvider(output, name));
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        builder.Services.AddSingleton(database.Options);
        builder.Services.AddModuleDatabase<TestDbContext>(o => o.MigrationsNamespace = "Krakow.BuildingBlocks.Tests.Persistence." + migrationsFolder);
        builder.Services.Configure<OutboxOptions>(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        configure?.Invoke(builder.Services);
        return new TestPlatform(builder.Build());
    }

    public Task MigrateAsync() => Services.MigrateModuleDatabasesAsync();

    /// <summary>Start-up as the host does it: migrations first, then the hosted services (the outbox dispatcher).</summary>
    public async Task<TestPlatform> StartAsync()
    {
        await MigrateAsync();
        await _host.StartAsync();
        _started = true;
        return this;
    }

    public async Task InScopeAsync(Func<TestDbContext, Task> action)
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<TestDbContext>());
    }

    public async Task<T> InScopeAsync<T>(Func<TestDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TestDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            await _host.StopAsync();
        }

        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
