using Microsoft.Extensions.Hosting;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// Loads the campaign plugins while the host starts, before any hosted service starts (so before Kestrel listens
/// and before readiness can report ready). A bad plugin never fails this: it is recorded by the registry.
/// </summary>
internal sealed class PluginStartupService(PluginRegistry registry, PluginCampaignCatalog catalog) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // The catalogue exists from here on, so it sees (and logs) the first load.
        GC.KeepAlive(catalog);
        return registry.LoadAllAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
