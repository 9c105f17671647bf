using Krakow.Plugins.Sdk;

namespace Krakow.Plugins.Violating;

[AttributeUsage(AttributeTargets.Class)]
internal sealed class CampaignDescriptorAttribute(Type shape) : Attribute
{
    public Type Shape { get; } = shape;
}

/// <summary>
/// Allowed: the SDK. Forbidden: Krakow.BuildingBlocks, named only by the typeof in the attribute's argument.
/// </summary>
[CampaignDescriptor(typeof(Krakow.BuildingBlocks.Modules.IModule))]
internal sealed class Campaign : ICampaignPlugin
{
    public CampaignDefinition Describe(PluginContext context) => throw new NotSupportedException();
}

/// <summary>Public so that the fixture host can catch it (rule 4).</summary>
public sealed class CampaignFailedException(string message) : Exception(message);
