using Krakow.Modules.Maps.Domain.Campaigns;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// A plugin that passed every check: its load context, its entry object, the campaign it described (a host-made
/// copy) and the gRPC services it exposes. Only the registry holds it. Retiring it drops every reference to plugin
/// objects, waits for the calls still running in its services, then unloads the context so that it can be
/// collected.
/// </summary>
internal sealed class LoadedPlugin
{
    private readonly Lock gate = new();
    private PluginLoadContext? context;
    private ICampaignPlugin? instance;
    private IReadOnlyList<PluginServiceEntry> services;

    public LoadedPlugin(
        string folder,
        PluginManifest manifest,
        PluginLoadContext context,
        ICampaignPlugin instance,
        CampaignSnapshot campaign,
        IReadOnlyList<PluginServiceEntry> services,
        string fingerprint,
        string shadowFolder)
    {
        Folder = folder;
        Manifest = manifest;
        Campaign = campaign;
        Fingerprint = fingerprint;
        ShadowFolder = shadowFolder;
        ServiceNames = [.. services.Select(s => s.Name)];
        LoadContextReference = new WeakReference(context);
        this.context = context;
        this.instance = instance;
        this.services = services;
    }

    public string Folder { get; }

    public PluginManifest Manifest { get; }

    /// <summary>Plain data (SDK records, strings, arrays): safe to keep after the plugin is gone.</summary>
    public CampaignSnapshot Campaign { get; }

    /// <summary>The fingerprint of the folder's files this plugin was loaded from (<see cref="PluginFolder.Fingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>The copy of the folder the plugin runs from.</summary>
    public string ShadowFolder { get; }

    /// <summary>The full names of its gRPC services (strings: safe to keep).</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    /// <summary>The plugin's entry object, for later calls; null once retired.</summary>
    public ICampaignPlugin? Instance => instance;

    /// <summary>Its gRPC services (plugin types and factories); empty once retired.</summary>
    public IReadOnlyList<PluginServiceEntry> Services => services;

    /// <summary>Tells when the runtime has collected the load context (tests watch it).</summary>
    public WeakReference LoadContextReference { get; }

    /// <summary>The calls running in the plugin's gRPC services.</summary>
    public PluginCallGate Calls { get; } = new();

    /// <summary>
    /// Unloads the load context now and forgets it (for a plugin that never served, or when the host stops); the
    /// returned weak reference tells when the runtime has collected it (which needs every plugin object, thread and
    /// delegate to be gone).
    /// </summary>
    public WeakReference Unload()
    {
        PluginLoadContext? unloading;
        lock (gate)
        {
            unloading = context;
            instance = null;
            services = [];
            context = null;
        }

        unloading?.Unload();
        PluginFolder.TryDelete(ShadowFolder);
        return LoadContextReference;
    }

    /// <summary>
    /// Retires a plugin that may have served calls: the references to its objects go at once; the context is
    /// unloaded once the calls still running in its services have ended (at most <paramref name="drainTimeout"/>)
    /// and <paramref name="grace"/> more has passed (a call routed to the old services just before they were
    /// unmapped may not have entered yet). Until then those calls can still load what they need from the context.
    /// </summary>
    public async Task RetireAsync(TimeSpan grace, TimeSpan drainTimeout)
    {
        var served = ServiceNames.Count > 0;
        lock (gate)
        {
            instance = null;
            services = [];
        }

        if (served)
        {
            try
            {
                await Calls.WhenIdleAsync().WaitAsync(drainTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A call that never ends keeps the context alive in any case; unloading does not stop it.
            }

            await Task.Delay(grace).ConfigureAwait(false);
        }

        Unload();
    }
}

/// <summary>One gRPC service of a plugin: its full name, its implementation type and the plugin's factory.</summary>
internal sealed record PluginServiceEntry(string Name, Type ServiceType, Func<object> Create);

/// <summary>Counts the calls running in a plugin's gRPC services, so that its load context is unloaded only after the last one.</summary>
internal sealed class PluginCallGate
{
    private readonly Lock gate = new();
    private int running;
    private TaskCompletionSource? idle;

    public int Running
    {
        get
        {
            lock (gate)
            {
                return running;
            }
        }
    }

    public void Enter()
    {
        lock (gate)
        {
            running++;
        }
    }

    public void Exit()
    {
        TaskCompletionSource? completed = null;
        lock (gate)
        {
            if (--running == 0 && idle is not null)
            {
                completed = idle;
                idle = null;
            }
        }

        completed?.TrySetResult();
    }

    /// <summary>Completes when no call is running.</summary>
    public Task WhenIdleAsync()
    {
        lock (gate)
        {
            if (running == 0)
            {
                return Task.CompletedTask;
            }

            idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return idle.Task;
        }
    }
}

/// <summary>What loading one plugin folder gave: a loaded plugin, or the state and reason it was refused.</summary>
internal sealed record PluginLoadResult(string Folder, PluginManifest? Manifest, PluginState State, string? Reason, LoadedPlugin? Plugin, string? Fingerprint)
{
    public static PluginLoadResult Refused(string folder, PluginManifest? manifest, PluginState state, string reason, string? fingerprint) =>
        new(folder, manifest, state, reason, null, fingerprint);
}

/// <summary>An unloaded plugin: what it was, and whether its load context has been collected yet.</summary>
internal sealed record UnloadedPlugin(PluginRecord Record, WeakReference LoadContext)
{
    public bool IsCollected => !LoadContext.IsAlive;
}
