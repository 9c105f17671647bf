using System.Collections.Immutable;
using System.Globalization;
using Krakow.Modules.Maps.Domain.Campaigns;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// Every plugin folder the host has looked at, with its state, and the loaded plugins behind them. Readers see an
/// immutable <see cref="Current"/> state that is swapped as a whole; loads and unloads are serialised. Loading or
/// unloading one folder at run time is one call (<see cref="LoadAsync"/>, <see cref="UnloadAsync"/>): start-up
/// uses the same path for each folder it finds. Plugin objects live only here (never in statics), so an unload
/// really lets the load context go.
/// </summary>
internal sealed partial class PluginRegistry(PluginLoader loader, PluginOptions options, TimeProvider clock, ILogger<PluginRegistry> logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile RegistryState state = RegistryState.Empty;
    private volatile bool startupCompleted;

    /// <summary>Raised after every change of <see cref="Current"/> (on the thread that made it).</summary>
    public event EventHandler? Changed;

    public RegistryState Current => state;

    /// <summary>Whether the start-up scan has finished (readiness waits for it).</summary>
    public bool StartupCompleted => startupCompleted;

    public IReadOnlyList<string> Directories => options.Directories;

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

        startupCompleted = true;
        var records = state.Records;
        LogStartupSummary(
            records.Count(r => r.State == PluginState.Loaded),
            records.Count(r => r.State == PluginState.Incompatible),
            records.Count(r => r.State == PluginState.Failed),
            string.Join(", ", options.Directories));
    }

    /// <summary>Loads (or reloads, replacing what was loaded from it) one plugin folder.</summary>
    public async Task<PluginRecord> LoadAsync(string folder, CancellationToken cancellationToken)
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

    /// <summary>Unloads the loaded plugin <paramref name="pluginId"/> and forgets its folder; null if none is loaded.</summary>
    public async Task<UnloadedPlugin?> UnloadAsync(string pluginId, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var entry = state.Entries.FirstOrDefault(e => e.Plugin is not null && e.Record.Id == pluginId);
            if (entry is null)
            {
                return null;
            }

            Publish(state.Entries.Remove(entry), state.MissingDirectories);
            var weak = entry.Plugin!.Unload();
            LogUnloaded(entry.Record.DisplayName, entry.Record.Folder);
            return new UnloadedPlugin(entry.Record, weak);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var entry in state.Entries)
        {
            entry.Plugin?.Unload();
        }

        state = RegistryState.Empty;
        gate.Dispose();
    }

    /// <summary>Records one outcome (logged here, once), refusing a campaign id another folder already provides.</summary>
    private ImmutableList<RegistryEntry> Commit(ImmutableList<RegistryEntry> entries, PluginLoadResult result, List<LoadedPlugin> retired, out PluginRecord record)
    {
        var now = clock.GetUtcNow();
        var previous = entries.FirstOrDefault(e => string.Equals(e.Record.Folder, result.Folder, StringComparison.Ordinal));
        var plugin = result.Plugin;
        var stateOf = result.State;
        var reason = result.Reason;
        if (plugin is not null
            && entries.FirstOrDefault(e => !ReferenceEquals(e, previous) && e.Plugin?.Campaign.Id == plugin.Campaign.Id) is { } holder)
        {
            plugin.Unload();
            plugin = null;
            stateOf = PluginState.Failed;
            reason = $"campaign id {holder.Plugin!.Campaign.Id} is already provided by plugin {holder.Record.Id} ({holder.Record.Folder})";
        }

        record = new PluginRecord(
            result.Folder,
            result.Manifest?.Id,
            result.Manifest?.Version,
            stateOf,
            reason,
            now,
            plugin?.Campaign.Id,
            result.Manifest?.Name);
        var entry = new RegistryEntry(record, plugin);
        entries = previous is null ? entries.Add(entry) : entries.Replace(previous, entry);

        // The replaced plugin goes only once its successor (or its failure) is what readers see.
        if (previous?.Plugin is { } replaced)
        {
            retired.Add(replaced);
        }

        switch (stateOf)
        {
            case PluginState.Loaded:
                var window = plugin!.Campaign.Definition.Window;
                LogLoaded(record.DisplayName, record.Folder, plugin.Campaign.Id, plugin.Campaign.Definition.Name.En, window.StartsAt, window.EndsAt?.ToString("O", CultureInfo.InvariantCulture) ?? "indefinitely");
                break;
            case PluginState.Incompatible:
                LogIncompatible(record.DisplayName, record.Folder, reason);
                break;
            default:
                LogFailed(record.DisplayName, record.Folder, reason);
                break;
        }

        return entries;
    }

    private static void Retire(List<LoadedPlugin> retired)
    {
        foreach (var plugin in retired)
        {
            plugin.Unload();
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
}

/// <summary>One folder's record and, when loaded, its plugin.</summary>
internal sealed record RegistryEntry(PluginRecord Record, LoadedPlugin? Plugin);

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
