using System.Globalization;
using Krakow.BuildingBlocks.Configuration;
using Microsoft.Extensions.Configuration;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// Where campaign plugins are and how long their code may run. <c>Maps:PluginsDirectory</c> (default <c>plugins</c>)
/// and each of <c>Maps:AdditionalPluginsDirectories</c> are resolved against the directory of Krakow.Host.dll
/// (<see cref="AppContext.BaseDirectory"/>), where the build ships the plugins; absolute paths are taken as they are.
/// </summary>
internal sealed record PluginOptions(IReadOnlyList<string> Directories, TimeSpan CallTimeout)
{
    public const string DirectoryKey = "Maps:PluginsDirectory";
    public const string AdditionalDirectoriesKey = "Maps:AdditionalPluginsDirectories";
    public const string CallTimeoutKey = "Maps:PluginCallTimeout";
    public const string DefaultDirectory = "plugins";
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(5);

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

        var timeout = DefaultCallTimeout;
        if (configuration[CallTimeoutKey] is { Length: > 0 } text
            && (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out timeout) || timeout <= TimeSpan.Zero || timeout > TimeSpan.FromMinutes(5)))
        {
            throw new PlatformConfigurationException(CallTimeoutKey, $"must be a time span between 00:00:00.001 and 00:05:00, not '{text}'");
        }

        return new PluginOptions(directories.Distinct(StringComparer.Ordinal).ToArray(), timeout);
    }

    private static string Resolve(string directory) =>
        Path.GetFullPath(Path.IsPathRooted(directory) ? directory : Path.Combine(AppContext.BaseDirectory, directory));
}
