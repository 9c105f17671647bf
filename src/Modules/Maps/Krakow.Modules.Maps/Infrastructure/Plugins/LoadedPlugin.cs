using Krakow.Modules.Maps.Domain.Campaigns;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// A plugin that passed every check: its load context, its entry object and the campaign it described (a
/// host-made copy). Only the registry holds it; <see cref="Unload"/> drops the references so the context can go.
/// </summary>
internal sealed class LoadedPlugin
{
    private PluginLoadContext? context;
    private ICampaignPlugin? instance;

    public LoadedPlugin(string folder, PluginManifest manifest, PluginLoadContext context, ICampaignPlugin instance, CampaignSnapshot campaign)
    {
        Folder = folder;
        Manifest = manifest;
        Campaign = campaign;
        this.context = context;
        this.instance = instance;
    }

    public string Folder { get; }

    public PluginManifest Manifest { get; }

    /// <summary>Plain data (SDK records, strings, arrays): safe to keep after the plugin is gone.</summary>
    public CampaignSnapshot Campaign { get; }

    /// <summary>The plugin's entry object, for later calls (its gRPC services); null once unloaded.</summary>
    public ICampaignPlugin? Instance => instance;

    /// <summary>
    /// Starts unloading the load context and forgets it; the returned weak reference tells when the runtime has
    /// collected it (which needs every plugin object, thread and delegate to be gone).
    /// </summary>
    public WeakReference Unload()
    {
        var unloading = context;
        var weak = new WeakReference(unloading);
        instance = null;
        context = null;
        unloading?.Unload();
        return weak;
    }
}

/// <summary>What loading one plugin folder gave: a loaded plugin, or the state and reason it was refused.</summary>
internal sealed record PluginLoadResult(string Folder, PluginManifest? Manifest, PluginState State, string? Reason, LoadedPlugin? Plugin)
{
    public static PluginLoadResult Refused(string folder, PluginManifest? manifest, PluginState state, string reason) =>
        new(folder, manifest, state, reason, null);
}

/// <summary>An unloaded plugin: what it was, and whether its load context has been collected yet.</summary>
internal sealed record UnloadedPlugin(PluginRecord Record, WeakReference LoadContext)
{
    public bool IsCollected => !LoadContext.IsAlive;
}
