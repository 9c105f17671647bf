using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Krakow.Modules.Maps.Domain.Campaigns;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// Every plugin folder the host has looked at, with its state, and the loaded plugins behind them. Readers see an
/// immutable <see cref="Current"/> state that is swapped as a whole. Loading one folder (<see cref="LoadAsync"/>:
/// a new folder, or a new version of a loaded one) and forgetting one (<see cref="RemoveFolderAsync"/>) are
/// single calls, serialised per folder; the plugin's code runs outside the registry's lock, and the outcome is
/// committed under it. Start-up uses the same path for each folder it finds, and the <see cref="PluginWatcher"/>
/// calls them when folders change.
/// </summary>
/// <remarks>
/// <para>Reload policy: a new version is loaded into a new load context and fully checked while the old one keeps
/// serving; only then are the catalogue and the gRPC services switched over (one change of the endpoints), and the
/// old plugin retired: its references dropped at once, its load context unloaded after its last running call. A new
/// version that fails leaves the old one running; the failure is recorded on the record
/// (<see cref="PluginRecord.ReloadFailure"/>), logged once, and reported by readiness.</para>
/// <para>Plugin objects live only here (never in statics), so an unload really lets the load context go.</para>
/// </remarks>
internal sealed partial class PluginRegistry(PluginLoader loader, PluginOptions options, TimeProvider clock, ILogger<PluginRegistry> logger) : IDisposable
{
    /// <summary>After a retired plugin's last call, this long more before its context is unloaded (calls routed to it just before the switch).</summary>
    internal static readonly TimeSpan RetireGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>A retired plugin's context is unloaded after this long even if calls still run in it.</summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> folderGates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<LoadedPlugin, Task> retiring = new();
    private readonly PluginEndpoints endpoints = new();
    private readonly TaskCompletionSource startup = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile RegistryState state = RegistryState.Empty;
    private volatile bool disposed;

    /// <summary>Raised after every change of <see cref="Current"/> (on the thread that made it).</summary>
    public event EventHandler? Changed;

    public RegistryState Current => state;

    /// <summary>Whether the start-up scan has finished (readiness waits for it).</summary>
    public bool StartupCompleted => startup.Task.IsCompleted;

    /// <summary>Completes when the start-up scan has finished.</summary>
    public Task StartupTask => startup.Task;

    public IReadOnlyList<string> Directories => options.Directories;

    public PluginOptions Options => options;

    /// <summary>
    /// Start-up: every subfolder of every plugins directory (hidden ones aside), loaded in parallel and recorded in
    /// directory order, so that on a duplicate campaign id the first directory wins. Never throws for a plugin.
    /// </summary>
    public async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        var folders = new List<string>();
        var missing = new List<string>();
        foreach (var directory in options.Directories)
        {
            if (!Directory.Exists(directory))
            {
                missing.Add(directory);
                LogDirectoryMissing(directory);
                continue;
            }

            try
            {
                folders.AddRange(Directory.EnumerateDirectories(directory)
                    .Where(folder => !Path.GetFileName(folder).StartsWith('.'))
                    .Order(StringComparer.Ordinal));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                missing.Add(directory);
                LogDirectoryUnreadable(directory, ex.Message);
            }
        }

        var results = await Task.WhenAll(folders.Select(folder => loader.LoadAsync(folder, cancellationToken)));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var entries = state.Entries;
            var retired = new List<LoadedPlugin>();
            foreach (var result in results)
            {
                entries = Commit(entries, result, retired, out _);
            }

            Publish(entries, [.. missing]);
            Retire(retired);
        }
        finally
        {
            gate.Release();
        }

        startup.TrySetResult();
        var records = state.Records;
        LogStartupSummary(
            records.Count(r => r.State == PluginState.Loaded),
            records.Count(r => r.State == PluginState.Incompatible),
            records.Count(r => r.State == PluginState.Failed),
            string.Join(", ", options.Directories));
    }

    /// <summary>
    /// From now on the loaded plugins' gRPC services are mapped on <paramref name="builder"/> (the host's endpoints),
    /// starting with those loaded already. A plugin whose services cannot be mapped is refused.
    /// </summary>
    public void PublishServicesTo(IEndpointRouteBuilder builder)
    {
        gate.Wait();
        try
        {
            var failures = endpoints.Attach(builder, state.Entries.Select(e => e.Plugin).OfType<LoadedPlugin>());
            if (failures.Count == 0)
            {
                return;
            }

            var entries = state.Entries;
            foreach (var (plugin, reason) in failures)
            {
                var entry = entries.First(e => ReferenceEquals(e.Plugin, plugin));
                var record = entry.Record with { State = PluginState.Failed, Reason = reason, CampaignId = null, GrpcServices = null, RecordedAt = clock.GetUtcNow() };
                entries = entries.Replace(entry, entry with { Record = record, Plugin = null });
                plugin.Unload();
                LogFailed(record.DisplayName, record.Folder, reason);
            }

            Publish(entries, state.MissingDirectories);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Loads one plugin folder: a new one, or a new version of one already loaded (which keeps serving until the
    /// new version has passed every check, and keeps serving if it does not).
    /// </summary>
    public async Task<PluginRecord> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        folder = Normalize(folder);
        var folderGate = folderGates.GetOrAdd(folder, _ => new SemaphoreSlim(1, 1));
        await folderGate.WaitAsync(cancellationToken);
        try
        {
            var result = await loader.LoadAsync(folder, cancellationToken);
            await gate.WaitAsync(cancellationToken);
            try
            {
                var retired = new List<LoadedPlugin>();
                var entries = Commit(state.Entries, result, retired, out var record);
                Publish(entries, state.MissingDirectories);
                Retire(retired);
                return record;
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            folderGate.Release();
        }
    }

    /// <summary>
    /// Forgets a plugin folder (it was removed): its record goes, and its plugin, if loaded, leaves the catalogue and
    /// the gRPC endpoints and is retired. Null when the registry knew no such folder.
    /// </summary>
    public async Task<UnloadedPlugin?> RemoveFolderAsync(string folder, CancellationToken cancellationToken)
    {
        folder = Normalize(folder);
        var folderGate = folderGates.GetOrAdd(folder, _ => new SemaphoreSlim(1, 1));
        await folderGate.WaitAsync(cancellationToken);
        try
        {
            return await RemoveAsync(e => string.Equals(e.Record.Folder, folder, StringComparison.Ordinal), cancellationToken);
        }
        finally
        {
            folderGate.Release();
        }
    }

    /// <summary>Unloads the loaded plugin <paramref name="pluginId"/> and forgets its folder; null if none is loaded.</summary>
    public Task<UnloadedPlugin?> UnloadAsync(string pluginId, CancellationToken cancellationToken) =>
        RemoveAsync(e => e.Plugin is not null && e.Record.Id == pluginId, cancellationToken);

    /// <summary>The entry of a plugin folder, if the registry knows it.</summary>
    public RegistryEntry? Find(string folder)
    {
        folder = Normalize(folder);
        return state.Entries.FirstOrDefault(e => string.Equals(e.Record.Folder, folder, StringComparison.Ordinal));
    }

    /// <summary>The entry whose manifest id (or, when the manifest could not be read, whose folder name) is <paramref name="id"/>.</summary>
    public RegistryEntry? FindById(string id)
    {
        var entries = state.Entries;
        return entries.FirstOrDefault(e => e.Plugin is not null && e.Record.Id == id)
            ?? entries.FirstOrDefault(e => e.Record.Id == id)
            ?? entries.FirstOrDefault(e => e.Record.Id is null && e.Record.FolderName == id);
    }

    /// <summary>Records which plugins directories are missing now (the watcher notices them appear and go).</summary>
    public async Task SetMissingDirectoriesAsync(IReadOnlyCollection<string> missing, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!state.MissingDirectories.SequenceEqual(missing, StringComparer.Ordinal))
            {
                Publish(state.Entries, [.. missing]);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        endpoints.Clear();
        foreach (var entry in state.Entries)
        {
            entry.Plugin?.Unload();
        }

        foreach (var plugin in retiring.Keys)
        {
            plugin.Unload();
        }

        state = RegistryState.Empty;
        if (loader.ShadowRoot is { } shadowRoot)
        {
            PluginFolder.TryDelete(shadowRoot);
        }
    }

    private async Task<UnloadedPlugin?> RemoveAsync(Func<RegistryEntry, bool> match, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var entry = state.Entries.FirstOrDefault(match);
            if (entry is null)
            {
                return null;
            }

            endpoints.Swap(entry.Plugin, null);
            Publish(state.Entries.Remove(entry), state.MissingDirectories);
            if (entry.Plugin is not { } plugin)
            {
                LogForgotten(entry.Record.DisplayName, entry.Record.Folder);
                return new UnloadedPlugin(entry.Record, new WeakReference(null));
            }

            Retire([plugin]);
            LogUnloaded(entry.Record.DisplayName, entry.Record.Folder);
            return new UnloadedPlugin(entry.Record, plugin.LoadContextReference);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Records one outcome (logged here, once): refuses a campaign id another folder already provides, maps the new
    /// plugin's services in place of the old one's, and keeps a running plugin whose new version failed.
    /// </summary>
    private ImmutableList<RegistryEntry> Commit(ImmutableList<RegistryEntry> entries, PluginLoadResult result, List<LoadedPlugin> retired, out PluginRecord record)
    {
        var now = clock.GetUtcNow();
        var previous = entries.FirstOrDefault(e => string.Equals(e.Record.Folder, result.Folder, StringComparison.Ordinal));
        var plugin = result.Plugin;
        var stateOf = result.State;
        var reason = result.Reason;
        string? blockedBy = null;
        if (plugin is not null
            && entries.FirstOrDefault(e => !ReferenceEquals(e, previous) && e.Plugin?.Campaign.Id == plugin.Campaign.Id) is { } holder)
        {
            plugin.Unload();
            plugin = null;
            stateOf = PluginState.Failed;
            blockedBy = holder.Plugin!.Campaign.Id;
            reason = $"campaign id {blockedBy} is already provided by plugin {holder.Record.Id} ({holder.Record.Folder})";
        }

        if (plugin is not null)
        {
            try
            {
                endpoints.Swap(previous?.Plugin, plugin);
            }
            catch (PluginRejectedException ex)
            {
                plugin.Unload();
                plugin = null;
                stateOf = PluginState.Failed;
                reason = ex.Message;
            }
        }

        RegistryEntry entry;
        if (plugin is not null)
        {
            record = new PluginRecord(
                result.Folder,
                result.Manifest?.Id,
                result.Manifest?.Version,
                PluginState.Loaded,
                null,
                now,
                plugin.Campaign.Id,
                result.Manifest?.Name,
                plugin.ServiceNames);
            entry = new RegistryEntry(record, plugin, plugin.Fingerprint, null);
            var window = plugin.Campaign.Definition.Window;
            var endsAt = window.EndsAt?.ToString("O", CultureInfo.InvariantCulture) ?? "indefinitely";

            // The replaced plugin goes only once its successor is what readers see.
            if (previous?.Plugin is { } replaced)
            {
                retired.Add(replaced);
                LogReplaced(record.DisplayName, record.Folder, previous.Record.DisplayName, plugin.Campaign.Id, plugin.Campaign.Definition.Name.En, window.StartsAt, endsAt);
            }
            else
            {
                LogLoaded(record.DisplayName, record.Folder, plugin.Campaign.Id, plugin.Campaign.Definition.Name.En, window.StartsAt, endsAt);
            }
        }
        else if (previous?.Plugin is { } running)
        {
            // The new version is refused; the running one stays, and the files that failed are not tried again
            // until they change.
            var failure = new PluginReloadFailure(result.Manifest?.Version, stateOf, reason ?? "unknown", now);
            record = previous.Record with { ReloadFailure = failure };
            entry = previous with { Record = record, Fingerprint = result.Fingerprint, BlockedBy = blockedBy };
            LogReloadFailed(
                previous.Record.DisplayName,
                record.Folder,
                result.Manifest?.Version ?? "of unknown version",
                stateOf.ToString().ToLowerInvariant(),
                reason,
                running.Manifest.Version);
        }
        else
        {
            record = new PluginRecord(result.Folder, result.Manifest?.Id, result.Manifest?.Version, stateOf, reason, now, null, result.Manifest?.Name);
            entry = new RegistryEntry(record, null, result.Fingerprint, blockedBy);
            if (stateOf == PluginState.Incompatible)
            {
                LogIncompatible(record.DisplayName, record.Folder, reason);
            }
            else
            {
                LogFailed(record.DisplayName, record.Folder, reason);
            }
        }

        return previous is null ? entries.Add(entry) : entries.Replace(previous, entry);
    }

    private void Retire(List<LoadedPlugin> retired)
    {
        foreach (var plugin in retired)
        {
            if (disposed)
            {
                plugin.Unload();
                continue;
            }

            var task = plugin.RetireAsync(RetireGrace, DrainTimeout);
            retiring[plugin] = task;
            _ = task.ContinueWith(
                (_, key) => retiring.TryRemove((LoadedPlugin)key!, out Task? _),
                plugin,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void Publish(ImmutableList<RegistryEntry> entries, ImmutableArray<string> missingDirectories)
    {
        state = new RegistryState(state.Generation + 1, entries, missingDirectories);
        try
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception ex)
        {
            LogChangeHandlerFailed(ex);
        }
    }

    private static string Normalize(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));

    [LoggerMessage(1, LogLevel.Information, "Campaign plugin {Plugin} loaded from {Folder}: campaign {CampaignId} \"{CampaignName}\", window {StartsAt:O} to {EndsAt}")]
    private partial void LogLoaded(string plugin, string folder, string campaignId, string campaignName, DateTimeOffset startsAt, string endsAt);

    [LoggerMessage(2, LogLevel.Warning, "Campaign plugin {Plugin} in {Folder} is incompatible and was not loaded: {Reason}")]
    private partial void LogIncompatible(string plugin, string folder, string? reason);

    [LoggerMessage(3, LogLevel.Error, "Campaign plugin {Plugin} in {Folder} failed and was not loaded: {Reason}")]
    private partial void LogFailed(string plugin, string folder, string? reason);

    [LoggerMessage(4, LogLevel.Warning, "Plugins directory {Directory} does not exist: no campaign plugins from there")]
    private partial void LogDirectoryMissing(string directory);

    [LoggerMessage(8, LogLevel.Warning, "Plugins directory {Directory} cannot be read: {Problem}")]
    private partial void LogDirectoryUnreadable(string directory, string problem);

    [LoggerMessage(5, LogLevel.Information, "Campaign plugins: {Loaded} loaded, {Incompatible} incompatible, {Failed} failed (from {Directories})")]
    private partial void LogStartupSummary(int loaded, int incompatible, int failed, string directories);

    [LoggerMessage(6, LogLevel.Information, "Campaign plugin {Plugin} unloaded from {Folder}")]
    private partial void LogUnloaded(string plugin, string folder);

    [LoggerMessage(7, LogLevel.Error, "A handler of plugin registry changes failed")]
    private partial void LogChangeHandlerFailed(Exception exception);

    [LoggerMessage(9, LogLevel.Information, "Campaign plugin {Plugin} loaded from {Folder} in place of {Previous}: campaign {CampaignId} \"{CampaignName}\", window {StartsAt:O} to {EndsAt}")]
    private partial void LogReplaced(string plugin, string folder, string previous, string campaignId, string campaignName, DateTimeOffset startsAt, string endsAt);

    [LoggerMessage(10, LogLevel.Error, "Campaign plugin {Plugin} in {Folder}: the new version {Version} {State} and was not loaded: {Reason}; version {Running} keeps running")]
    private partial void LogReloadFailed(string plugin, string folder, string version, string state, string? reason, string running);

    [LoggerMessage(11, LogLevel.Information, "Campaign plugin folder {Folder} ({Plugin}) is gone and forgotten")]
    private partial void LogForgotten(string plugin, string folder);
}

/// <summary>
/// One folder's record and, when loaded, its plugin; the fingerprint of the files last tried (so unchanged files
/// are not tried again), and the campaign id whose holder kept it from loading, if that is why it failed.
/// </summary>
internal sealed record RegistryEntry(PluginRecord Record, LoadedPlugin? Plugin, string? Fingerprint, string? BlockedBy);

/// <summary>An immutable view of the registry; <see cref="Generation"/> grows with every change.</summary>
internal sealed class RegistryState(long generation, ImmutableList<RegistryEntry> entries, ImmutableArray<string> missingDirectories)
{
    public static readonly RegistryState Empty = new(0, [], []);

    public long Generation { get; } = generation;

    public ImmutableList<RegistryEntry> Entries { get; } = entries;

    public ImmutableArray<string> MissingDirectories { get; } = missingDirectories;

    public IReadOnlyList<PluginRecord> Records { get; } = [.. entries.Select(e => e.Record)];

    public IReadOnlyList<CampaignSnapshot> Campaigns { get; } = [.. entries.Where(e => e.Plugin is not null).Select(e => e.Plugin!.Campaign)];
}
