using Krakow.Modules.Maps.Application.Campaigns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

internal static class PluginServiceCollectionExtensions
{
    /// <summary>
    /// The campaign plugins: options (<c>Maps:PluginsDirectory</c>, <c>Maps:AdditionalPluginsDirectories</c>,
    /// <c>Maps:PluginCallTimeout</c>, the <c>Maps:Plugin…</c> settings of hot reload), the loader and registry,
    /// <see cref="ICampaignCatalog"/>, loading at start-up, the watcher that follows the plugins directories while
    /// the host runs, and the <c>plugins</c> readiness check. Their gRPC services and the PluginAdministration
    /// service are mapped by <c>MapCampaignPlugins</c> (Api/Plugins).
    /// </summary>
    public static IServiceCollection AddCampaignPlugins(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(PluginOptions.FromConfiguration(configuration));
        services.AddSingleton<SharedAssemblies>();
        services.AddSingleton<PluginAssemblyInspector>();
        services.AddSingleton<PluginLoader>();
        services.AddSingleton<PluginRegistry>();
        services.AddSingleton<PluginCampaignCatalog>();
        services.AddSingleton<ICampaignCatalog>(provider => provider.GetRequiredService<PluginCampaignCatalog>());
        services.AddHostedService<PluginStartupService>();
        services.AddHostedService<PluginWatcher>();
        services.AddSingleton<PluginPathRedactor>();
        services.AddHealthChecks().AddCheck<PluginsHealthCheck>(PluginsHealthCheck.Name, tags: ["ready"]);
        return services;
    }
}
