using System.Globalization;
using Krakow.BuildingBlocks.Configuration;
using Microsoft.Extensions.Configuration;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// Where campaign plugins are, how long their code may run, and how the running host follows changes of their
/// folders. <c>Maps:PluginsDirectory</c> (default <c>plugins</c>) and each of <c>Maps:AdditionalPluginsDirectories</c>
/// are resolved against the directory of Krakow.Host.dll (<see cref="AppContext.BaseDirectory"/>), where the build
/// ships the plugins; absolute paths are taken as they are.
/// </summary>
internal sealed record PluginOptions(IReadOnlyList<string> Directories, TimeSpan CallTimeout)
{
    public const string DirectoryKey = "Maps:PluginsDirectory";
    public const string AdditionalDirectoriesKey = "Maps:AdditionalPluginsDirectories";
    public const string CallTimeoutKey = "Maps:PluginCallTimeout";
    public const string WatchKey = "Maps:PluginWatch";
    public const string SettleTimeKey = "Maps:PluginSettleTime";
    public const string IncompleteTimeoutKey = "Maps:PluginIncompleteTimeout";
    public const string RescanIntervalKey = "Maps:PluginRescanInterval";
    public const string ShadowDirectoryKey = "Maps:PluginShadowDirectory";
    public const string DefaultDirectory = "plugins";
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Whether the plugins directories are watched while the host runs (<c>Maps:PluginWatch</c>, default true).</summary>
    public bool Watch { get; init; } = true;

    /// <summary>
    /// How long a plugin folder must stay unchanged (no file event, same file sizes and times across two looks this
    /// far apart) before the host acts on it (<c>Maps:PluginSettleTime</c>, default 1 s).
    /// </summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A settled folder that does not look complete yet (no readable plugin.json, the entry assembly or an assembly
    /// it needs missing or unreadable) is given this long to be completed before it is loaded anyway, and so
    /// recorded with its problem (<c>Maps:PluginIncompleteTimeout</c>, default 10 s).
    /// </summary>
    public TimeSpan IncompleteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Every plugins directory is compared with what is loaded this often, in case the watcher missed an event (<c>Maps:PluginRescanInterval</c>, default 30 s).</summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where each plugin's files are copied before they are loaded (<c>Maps:PluginShadowDirectory</c>, default
    /// krakow-plugins-shadow in the temporary directory); each host uses a folder of its own in it.
    /// </summary>
    public string ShadowDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "krakow-plugins-shadow");

    /// <summary>The main directory first, then the additional ones: on a duplicate campaign id, the first one wins.</summary>
    public static PluginOptions FromConfiguration(IConfiguration configuration)
    {
        var main = configuration[DirectoryKey];
        List<string> directories = [Resolve(string.IsNullOrWhiteSpace(main) ? DefaultDirectory : main)];
        foreach (var extra in configuration.GetSection(AdditionalDirectoriesKey).GetChildren())
        {
            if (!string.IsNullOrWhiteSpace(extra.Value))
            {
                directories.Add(Resolve(extra.Value));
            }
        }

        var watch = true;
        if (configuration[WatchKey] is { Length: > 0 } watchText && !bool.TryParse(watchText, out watch))
        {
            throw new PlatformConfigurationException(WatchKey, $"must be true or false, not '{watchText}'");
        }

        var shadow = configuration[ShadowDirectoryKey];
        return new PluginOptions(directories.Distinct(StringComparer.Ordinal).ToArray(), Duration(configuration, CallTimeoutKey, DefaultCallTimeout, TimeSpan.FromMinutes(5)))
        {
            Watch = watch,
            SettleTime = Duration(configuration, SettleTimeKey, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)),
            IncompleteTimeout = Duration(configuration, IncompleteTimeoutKey, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)),
            RescanInterval = Duration(configuration, RescanIntervalKey, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)),
            ShadowDirectory = string.IsNullOrWhiteSpace(shadow) ? Path.Combine(Path.GetTempPath(), "krakow-plugins-shadow") : Resolve(shadow),
        };
    }

    private static TimeSpan Duration(IConfiguration configuration, string key, TimeSpan fallback, TimeSpan max)
    {
        if (configuration[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero || value > max)
        {
            throw new PlatformConfigurationException(key, $"must be a time span between 00:00:00.001 and {max:c}, not '{text}'");
        }

        return value;
    }

    private static string Resolve(string directory) =>
        Path.GetFullPath(Path.IsPathRooted(directory) ? directory : Path.Combine(AppContext.BaseDirectory, directory));
}
