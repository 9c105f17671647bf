using System.Reflection;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Domain.Campaigns;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// Loads one plugin folder, in order, stopping at the first problem: a shadow copy of the folder (what is checked
/// is what runs, and the original files can be replaced at any time), the manifest (nothing loaded yet), API range,
/// assembly references read from metadata (still nothing loaded), then a collectible load context, the entry
/// type, <see cref="ICampaignPlugin.Describe"/> and <see cref="ICampaignPlugin.GrpcServices"/> under a time limit,
/// the campaign's rules and the services' shape. Never throws for a bad plugin: every outcome is a
/// <see cref="PluginLoadResult"/>.
/// </summary>
internal sealed class PluginLoader(SharedAssemblies shared, PluginAssemblyInspector inspector, PluginOptions options)
{
    /// <summary>More gRPC services than this from one plugin and it is refused.</summary>
    public const int MaxServices = 16;

    private readonly Lazy<string> shadowRoot = new(() => PluginFolder.CreateProcessShadowRoot(options.ShadowDirectory), LazyThreadSafetyMode.ExecutionAndPublication);
    private long shadowCounter;

    /// <summary>This host's folder of shadow copies, if one was made.</summary>
    public string? ShadowRoot => shadowRoot.IsValueCreated ? shadowRoot.Value : null;

    public async Task<PluginLoadResult> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var folderName = Path.GetFileName(folder);
        PluginManifest? manifest = null;
        PluginLoadContext? context = null;
        string? fingerprint = null;
        string? shadow = null;
        try
        {
            if (!Directory.Exists(folder))
            {
                throw PluginRejectedException.Failed("the plugin folder does not exist");
            }

            // Quick refusals need no copy: no manifest, a bad one, another plugin API.
            manifest = PluginManifest.Read(folder);
            CheckApi(manifest);

            shadow = Path.Combine(shadowRoot.Value, $"{folderName}-{Interlocked.Increment(ref shadowCounter)}");
            fingerprint = PluginFolder.Copy(folder, shadow);
            manifest = PluginManifest.Read(shadow, folderName);
            CheckApi(manifest);
            inspector.Inspect(shadow, manifest);

            var entryPath = Path.Combine(shadow, manifest.EntryAssembly);
            context = new PluginLoadContext(manifest.Id, entryPath, shared);
            var loadContext = context;
            var loadedManifest = manifest;
            var (instance, definition, services) = await RunPluginCodeAsync(() => Activate(loadContext, entryPath, loadedManifest), cancellationToken);

            var problems = CampaignDefinitionRules.Validate(definition, manifest.Id);
            if (problems.Count > 0)
            {
                throw PluginRejectedException.Failed($"the campaign it describes is invalid: {string.Join("; ", problems)}");
            }

            var campaign = new CampaignSnapshot(definition, manifest.Id, manifest.Version, manifest.Season);
            var plugin = new LoadedPlugin(folder, manifest, context, instance, campaign, services, fingerprint, shadow);
            return new PluginLoadResult(folder, manifest, PluginState.Loaded, null, plugin, fingerprint);
        }
        catch (PluginRejectedException ex)
        {
            Discard(context, shadow);
            return PluginLoadResult.Refused(folder, manifest, ex.State, ex.Message, fingerprint ?? PluginFolder.Fingerprint(folder));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Discard(context, shadow);
            throw;
        }
        catch (Exception ex)
        {
            // Anything else is a bug of ours or of the runtime; the plugin is refused all the same.
            Discard(context, shadow);
            return PluginLoadResult.Refused(folder, manifest, PluginState.Failed, $"loading failed: {Describe(ex)}", fingerprint ?? PluginFolder.Fingerprint(folder));
        }
    }

    private static void CheckApi(PluginManifest manifest)
    {
        if (!manifest.SupportsApi(SharedAssemblies.ApiVersion))
        {
            throw PluginRejectedException.Incompatible(
                $"the plugin supports plugin API {Range(manifest)}; this host implements plugin API {SharedAssemblies.ApiVersion}");
        }
    }

    private static void Discard(PluginLoadContext? context, string? shadow)
    {
        context?.Unload();
        if (shadow is not null)
        {
            PluginFolder.TryDelete(shadow);
        }
    }

    /// <summary>Runs on the plugin's own thread, under the time limit: everything that executes plugin code.</summary>
    private static (ICampaignPlugin Instance, CampaignDefinition Definition, IReadOnlyList<PluginServiceEntry> Services) Activate(
        PluginLoadContext context, string entryPath, PluginManifest manifest)
    {
        using var scope = context.EnterContextualReflection();
        var step = $"loading {manifest.EntryAssembly}";
        try
        {
            var assembly = context.LoadFromAssemblyPath(entryPath);
            step = $"finding {manifest.EntryType}";
            var type = assembly.GetType(manifest.EntryType, throwOnError: false, ignoreCase: false)
                ?? throw PluginRejectedException.Failed($"entry type {manifest.EntryType} is not in {manifest.EntryAssembly}");
            if (!type.IsClass || type.IsAbstract || type.IsGenericTypeDefinition || !type.IsVisible)
            {
                throw PluginRejectedException.Failed($"entry type {manifest.EntryType} must be a public, non-abstract, non-generic class");
            }

            if (!typeof(ICampaignPlugin).IsAssignableFrom(type))
            {
                throw PluginRejectedException.Failed(
                    $"entry type {manifest.EntryType} does not implement {typeof(ICampaignPlugin).FullName} of the host's plugin SDK");
            }

            var constructor = type.GetConstructor(Type.EmptyTypes)
                ?? throw PluginRejectedException.Failed($"entry type {manifest.EntryType} has no public parameterless constructor");

            step = $"creating {manifest.EntryType}";
            var instance = (ICampaignPlugin)constructor.Invoke(null);

            step = $"{manifest.EntryType}.Describe";
            var pluginContext = manifest.ToContext();
            var described = instance.Describe(pluginContext);

            step = "reading the campaign it described";
            var definition = CampaignDefinitionRules.Detach(described);

            step = $"{manifest.EntryType}.GrpcServices";
            var declared = instance.GrpcServices(pluginContext);

            step = "checking the gRPC services it declared";
            return (instance, definition, PluginServiceChecks.Check(declared, context));
        }
        catch (PluginRejectedException)
        {
            throw;
        }
        catch (InvalidCampaignException ex)
        {
            throw PluginRejectedException.Failed($"the campaign it describes is invalid: {ex.Message}");
        }
        catch (Exception ex)
        {
            throw PluginRejectedException.Failed($"{step} threw {Describe(ex)}");
        }
    }

    /// <summary>
    /// Plugin code runs on a thread of its own (not a pool thread) so that a plugin that never returns costs one
    /// parked background thread, not the host's start-up: after <see cref="PluginOptions.CallTimeout"/> it is refused.
    /// </summary>
    private async Task<T> RunPluginCodeAsync<T>(Func<T> code, CancellationToken cancellationToken)
    {
        var task = Task.Factory.StartNew(code, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
        try
        {
            return await task.WaitAsync(options.CallTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // If it ever ends, its outcome is observed here and dropped.
            _ = task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw PluginRejectedException.Failed(
                $"the plugin's code did not return within {options.CallTimeout.TotalSeconds:0.###} s (it loops or blocks); its thread is abandoned");
        }
    }

    private static string Range(PluginManifest manifest) =>
        manifest.ApiMin == manifest.ApiMax ? manifest.ApiMin.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{manifest.ApiMin}–{manifest.ApiMax}";

    /// <summary>The exception's type and message (and its inner one's): only text is kept, never the plugin's exception object.</summary>
    internal static string Describe(Exception ex)
    {
        if (ex is TargetInvocationException { InnerException: { } inner })
        {
            ex = inner;
        }

        var text = $"{ex.GetType().FullName}: {Truncate(ex.Message)}";
        return ex.InnerException is { } cause ? $"{text} ({cause.GetType().FullName}: {Truncate(cause.Message)})" : text;
    }

    private static string Truncate(string message) => message.Length <= 500 ? message : message[..500] + "…";
}
