using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// Follows the plugins directories while the host runs: a folder added is loaded, a folder whose files change is
/// loaded again (the registry swaps the new version in only once it has passed every check), a folder removed is
/// forgotten and its plugin unloaded.
/// </summary>
/// <remarks>
/// <para>A file system watcher on each directory marks the folders that see events; a rescan every
/// <see cref="PluginOptions.RescanInterval"/> compares every folder's fingerprint with what the registry loaded, in
/// case the watcher missed something (watchers do: buffer overflows, network file systems, a directory that
/// appears later).</para>
/// <para>Half-copied folders: a marked folder is acted on only once it has settled, that is no event for
/// <see cref="PluginOptions.SettleTime"/> and the same fingerprint (every file's size and last write time) on two
/// looks that far apart. A settled folder that does not look complete (plugin.json missing or invalid, the entry
/// assembly or a local assembly it references missing or unreadable) is given
/// <see cref="PluginOptions.IncompleteTimeout"/> more to be completed before it is loaded anyway and recorded with
/// its problem. A copy that pauses longer than the settle time in the middle of a file can still be seen half done:
/// it is loaded again when it completes. Safest is to copy under a hidden name (".christmas-online.tmp", ignored)
/// and rename the folder when done.</para>
/// </remarks>
internal sealed partial class PluginWatcher(PluginRegistry registry, PluginAssemblyInspector inspector, ILogger<PluginWatcher> logger) : BackgroundService
{
    // File system time, not the platform's clock (which tests may stop).
    private static readonly TimeProvider Clock = TimeProvider.System;

    private readonly Lock gate = new();
    private readonly Dictionary<string, PendingFolder> pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileSystemWatcher> watchers = new(StringComparer.Ordinal);
    private readonly HashSet<string> failedWatchers = new(StringComparer.Ordinal);
    private readonly HashSet<string> brokenWatchers = new(StringComparer.Ordinal);
    private volatile bool rescanRequested = true;

    private PluginOptions Options => registry.Options;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.Watch)
        {
            return;
        }

        try
        {
            await registry.StartupTask.WaitAsync(stoppingToken);
            var tick = TimeSpan.FromMilliseconds(Math.Clamp(Options.SettleTime.TotalMilliseconds / 4, 20, 250));
            var nextRescan = Clock.GetUtcNow();
            using var timer = new PeriodicTimer(tick, Clock);
            do
            {
                try
                {
                    if (rescanRequested || Clock.GetUtcNow() >= nextRescan)
                    {
                        rescanRequested = false;
                        nextRescan = Clock.GetUtcNow() + Options.RescanInterval;
                        await RescanAsync(stoppingToken);
                    }

                    await ProcessPendingAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Never the end of watching (nor, as an unhandled background failure, of the host).
                    LogRoundFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            lock (gate)
            {
                foreach (var watcher in watchers.Values)
                {
                    watcher.Dispose();
                }

                watchers.Clear();
            }
        }
    }

    public override void Dispose()
    {
        lock (gate)
        {
            foreach (var watcher in watchers.Values)
            {
                watcher.Dispose();
            }

            watchers.Clear();
        }

        base.Dispose();
    }

    /// <summary>Marks the folders that differ from what the registry has, and (re)creates the directory watchers.</summary>
    private async Task RescanAsync(CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var directory in Options.Directories)
        {
            if (!Directory.Exists(directory))
            {
                missing.Add(directory);
                DropWatcher(directory);
                continue;
            }

            bool broken;
            lock (gate)
            {
                broken = brokenWatchers.Remove(directory);
            }

            if (broken)
            {
                DropWatcher(directory);
            }

            EnsureWatcher(directory);
            try
            {
                foreach (var folder in Directory.EnumerateDirectories(directory))
                {
                    if (Path.GetFileName(folder).StartsWith('.'))
                    {
                        continue;
                    }

                    var known = registry.Find(folder);
                    if (known is null || known.Fingerprint != PluginFolder.Fingerprint(folder))
                    {
                        Mark(folder);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                missing.Add(directory);
            }
        }

        foreach (var entry in registry.Current.Entries)
        {
            if (!Directory.Exists(entry.Record.Folder))
            {
                Mark(entry.Record.Folder);
            }
        }

        await registry.SetMissingDirectoriesAsync(missing, cancellationToken);
    }

    private async Task ProcessPendingAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        List<(string Folder, PendingFolder State)> due;
        lock (gate)
        {
            due = [.. pending.Where(p => now - p.Value.LastEvent >= Options.SettleTime && now - p.Value.LastLook >= Options.SettleTime)
                .Select(p => (p.Key, p.Value))];
        }

        foreach (var (folder, folderState) in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fingerprint = PluginFolder.Fingerprint(folder);
            lock (gate)
            {
                folderState.LastLook = now;
                if (!string.Equals(fingerprint, folderState.Fingerprint, StringComparison.Ordinal) || !folderState.Looked)
                {
                    // Changed since the last look (or first look): settled only if the next look finds it the same.
                    folderState.Looked = true;
                    folderState.Fingerprint = fingerprint;
                    folderState.StableSince = now;
                    continue;
                }
            }

            try
            {
                if (await ActAsync(folder, fingerprint, folderState, now, cancellationToken))
                {
                    lock (gate)
                    {
                        // Done, unless something happened meanwhile.
                        if (pending.TryGetValue(folder, out var current) && ReferenceEquals(current, folderState) && current.LastEvent <= now)
                        {
                            pending.Remove(folder);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogActionFailed(folder, ex);
                lock (gate)
                {
                    pending.Remove(folder);
                }
            }
        }
    }

    /// <summary>Acts on a settled folder; false to look at it again later (it does not look complete yet).</summary>
    private async Task<bool> ActAsync(string folder, string? fingerprint, PendingFolder folderState, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var known = registry.Find(folder);
        if (fingerprint is null)
        {
            if (known is not null)
            {
                var removed = await registry.RemoveFolderAsync(folder, cancellationToken);
                if (removed?.Record.CampaignId is { } campaignId)
                {
                    // Folders refused because this plugin held their campaign id get their chance now.
                    foreach (var blocked in registry.Current.Entries.Where(e => e.BlockedBy == campaignId))
                    {
                        Mark(blocked.Record.Folder, force: true);
                    }
                }
            }

            return true;
        }

        if (known is not null && known.Fingerprint == fingerprint && !folderState.Force)
        {
            return true;
        }

        if (!LooksComplete(folder) && now - folderState.StableSince < Options.IncompleteTimeout)
        {
            return false;
        }

        await registry.LoadAsync(folder, cancellationToken);
        return true;
    }

    /// <summary>A manifest that passes, and an entry assembly whose references (and theirs) are all there and readable.</summary>
    private bool LooksComplete(string folder)
    {
        try
        {
            var manifest = PluginManifest.Read(folder);
            if (!manifest.SupportsApi(SharedAssemblies.ApiVersion))
            {
                return true;
            }

            inspector.Inspect(folder, manifest);
            return true;
        }
        catch (PluginRejectedException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Mark(string folder, bool force = false)
    {
        var now = Clock.GetUtcNow();
        lock (gate)
        {
            if (!pending.TryGetValue(folder, out var folderState))
            {
                pending[folder] = folderState = new PendingFolder();
            }

            folderState.LastEvent = now;
            folderState.Force |= force;
        }
    }

    private void EnsureWatcher(string directory)
    {
        lock (gate)
        {
            if (watchers.ContainsKey(directory))
            {
                return;
            }

            try
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    InternalBufferSize = 64 * 1024,
                };
                watcher.Created += (_, e) => OnEvent(directory, e.FullPath);
                watcher.Changed += (_, e) => OnEvent(directory, e.FullPath);
                watcher.Deleted += (_, e) => OnEvent(directory, e.FullPath);
                watcher.Renamed += (_, e) =>
                {
                    OnEvent(directory, e.OldFullPath);
                    OnEvent(directory, e.FullPath);
                };
                watcher.Error += (_, e) => OnError(directory, e.GetException());
                watcher.EnableRaisingEvents = true;
                watchers[directory] = watcher;
                failedWatchers.Remove(directory);
                LogWatching(directory);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                // No events then: the periodic rescan still finds every change, only later. Said once per directory.
                if (failedWatchers.Add(directory))
                {
                    LogWatcherUnavailable(directory, ex.Message, Options.RescanInterval.TotalSeconds);
                }
            }
        }
    }

    private void DropWatcher(string directory)
    {
        lock (gate)
        {
            if (watchers.Remove(directory, out var watcher))
            {
                watcher.Dispose();
            }
        }
    }

    private void OnEvent(string directory, string path)
    {
        var relative = Path.GetRelativePath(directory, path);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            rescanRequested = true;
            return;
        }

        var name = relative.Split(Path.DirectorySeparatorChar, 2)[0];
        if (name.Length == 0 || name.StartsWith('.'))
        {
            return;
        }

        Mark(Path.Combine(directory, name));
    }

    private void OnError(string directory, Exception error)
    {
        // Typically an overflow of the event buffer: look at everything again. A directory that went away is
        // noticed by the rescan, which drops its watcher and makes a new one if it comes back.
        LogWatcherError(directory, error.Message);
        lock (gate)
        {
            // Replaced by the rescan (not disposed here, on its own event thread).
            brokenWatchers.Add(directory);
        }

        rescanRequested = true;
    }

    [LoggerMessage(20, LogLevel.Information, "Watching plugins directory {Directory} for plugins added, replaced and removed")]
    private partial void LogWatching(string directory);

    [LoggerMessage(21, LogLevel.Warning, "Plugins directory {Directory} cannot be watched ({Problem}); changes are found by the rescan every {Seconds} s")]
    private partial void LogWatcherUnavailable(string directory, string problem, double seconds);

    [LoggerMessage(22, LogLevel.Warning, "Watching plugins directory {Directory} failed ({Problem}); rescanning it")]
    private partial void LogWatcherError(string directory, string problem);

    [LoggerMessage(24, LogLevel.Error, "Looking at the plugins directories failed; trying again")]
    private partial void LogRoundFailed(Exception exception);

    [LoggerMessage(23, LogLevel.Error, "Acting on the change of plugin folder {Folder} failed")]
    private partial void LogActionFailed(string folder, Exception exception);

    /// <summary>A folder that saw changes, on its way to settling.</summary>
    private sealed class PendingFolder
    {
        public DateTimeOffset LastEvent { get; set; }

        public DateTimeOffset LastLook { get; set; } = DateTimeOffset.MinValue;

        public bool Looked { get; set; }

        public string? Fingerprint { get; set; }

        public DateTimeOffset StableSince { get; set; }

        /// <summary>Load it even if its files are those already tried (a plugin holding its campaign id went away).</summary>
        public bool Force { get; set; }
    }
}
