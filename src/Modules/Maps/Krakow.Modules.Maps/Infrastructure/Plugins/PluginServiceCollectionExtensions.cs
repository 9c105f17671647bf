using Krakow.Modules.Maps.Application.Campaigns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

internal static class PluginServiceCollectionExtensions
{
    /// <summary>
    /// The campaign plugins: options (<c>Maps:PluginsDirectory</c>, <c>Maps:AdditionalPluginsDirectories</c>,
    /// <c>Maps:PluginCallTimeout</c>), the loader and registry, <see cref="ICampaignCatalog"/>, loading at start-up and
    /// the <c>plugins</c> readiness check.
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
        services.AddHealthChecks().AddCheck<PluginsHealthCheck>(PluginsHealthCheck.Name, tags: ["ready"]);
        return services;
    }
}
