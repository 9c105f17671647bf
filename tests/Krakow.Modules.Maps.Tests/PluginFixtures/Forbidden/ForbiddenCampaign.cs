using Krakow.BuildingBlocks.Modules;
using Krakow.Plugins.Sdk;

namespace Krakow.Plugins.Fixtures.Forbidden;

/// <summary>Reaches into the platform's module system; the host must refuse it before loading it.</summary>
public sealed class ForbiddenCampaign : ICampaignPlugin
{
    public CampaignDefinition Describe(PluginContext context) =>
        throw new InvalidOperationException($"never called: the host refuses plugins that reference {typeof(IModule).Assembly.GetName().Name}");
}
