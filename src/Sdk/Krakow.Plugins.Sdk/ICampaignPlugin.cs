namespace Krakow.Plugins.Sdk;

/// <summary>
/// The entry type of a campaign plugin (a public class with a parameterless constructor, named in plugin.json).
/// The host calls <see cref="Describe"/> once, when the plugin loads; the campaign it returns is data the host
/// validates and serves. A plugin may also expose gRPC services of its own.
/// </summary>
public interface ICampaignPlugin
{
    /// <summary>The campaign; <paramref name="context"/> carries what the manifest says (id, season window).</summary>
    CampaignDefinition Describe(PluginContext context);

    /// <summary>Services the plugin exposes over gRPC and gRPC-Web while it is loaded (none by default).</summary>
    IReadOnlyList<PluginGrpcService> GrpcServices(PluginContext context) => [];
}

/// <summary>What the host tells a plugin about itself, from its manifest.</summary>
public sealed record PluginContext(string PluginId, string Version, CampaignWindow Window);

/// <summary>The plugin API version this SDK implements: its assembly's major version.</summary>
public static class PluginApi
{
    public const int Version = 1;
}
