using System.Text.RegularExpressions;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// How the anonymous readiness report speaks of plugin folders without telling callers the server's directory
/// layout. A folder is named relative to its plugins directory: <c>gastronomy</c> in the main one,
/// <c>Maps:AdditionalPluginsDirectories:0/gastronomy</c> in an additional one (same-named folders of two directories
/// stay apart). A directory is named by its setting. In free text (reasons, exception messages) every known server
/// path — the plugins directories, the shadow copies and the host's own directory — is rewritten the same way, the
/// shadow copy of a plugin becoming its folder's name. The administrators' API keeps the full paths.
/// </summary>
internal sealed class PluginPathRedactor
{
    private const string HostDirectoryName = "Krakow.Host";

    private static readonly RegexOptions PathMatching =
        RegexOptions.CultureInvariant | (OperatingSystem.IsWindows() ? RegexOptions.IgnoreCase : RegexOptions.None);

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string[] directories;
    private readonly Regex shadowCopy;
    private readonly (Regex Root, string Name, string Prefix)[] roots;

    public PluginPathRedactor(PluginOptions options)
    {
        directories = [.. options.Directories.Select(Trim)];
        var shadowDirectory = Trim(options.ShadowDirectory);

        // <shadow directory>/<this host's folder>/<plugin folder>-<counter>: what PluginLoader copies a plugin to.
        shadowCopy = new Regex(Regex.Escape(shadowDirectory) + @"[/\\][^/\\\s]+[/\\](?<folder>[^/\\\s]+?)-[0-9]+(?![\w-])", PathMatching);

        // Longest first, so a directory inside another is rewritten by its own name. The main plugins directory's
        // folders get no prefix, as in FolderName. A filesystem root is no clue to the layout (and would match everywhere).
        roots = [.. directories.Select((directory, index) => (Path: directory, Name: DirectoryName(index), Prefix: index == 0 ? string.Empty : DirectoryName(index) + "/"))
            .Append((Path: shadowDirectory, Name: PluginOptions.ShadowDirectoryKey, Prefix: PluginOptions.ShadowDirectoryKey + "/"))
            .Append((Path: Trim(AppContext.BaseDirectory), Name: HostDirectoryName, Prefix: HostDirectoryName + "/"))
            .Where(root => !string.Equals(Path.GetPathRoot(root.Path), root.Path, PathComparison))
            .OrderByDescending(root => root.Path.Length)
            .Select(root => (RootPattern(root.Path), root.Name, root.Prefix))];
    }

    /// <summary>The folder relative to its plugins directory (its own name alone when it is in none of them).</summary>
    public string FolderName(string folder)
    {
        folder = Trim(folder);
        var name = Path.GetFileName(folder);
        var index = IndexOf(Path.GetDirectoryName(folder));
        return index > 0 ? $"{DirectoryName(index)}/{name}" : name;
    }

    /// <summary>The setting that names a plugins directory.</summary>
    public string DirectoryName(string directory) => IndexOf(Trim(directory)) is var index and >= 0 ? DirectoryName(index) : Redact(directory);

    /// <summary><paramref name="text"/> with every known server path made relative as described above.</summary>
    public string Redact(string text)
    {
        var redacted = shadowCopy.Replace(text, match => match.Groups["folder"].Value);
        foreach (var (root, name, prefix) in roots)
        {
            // A path under the root keeps its relative part; the root alone becomes its name.
            redacted = root.Replace(redacted, match => match.Groups["separator"].Success ? prefix : name);
        }

        return redacted;
    }

    private static string DirectoryName(int index) =>
        index == 0 ? PluginOptions.DirectoryKey : $"{PluginOptions.AdditionalDirectoriesKey}:{index - 1}";

    private int IndexOf(string? directory) =>
        directory is null ? -1 : Array.FindIndex(directories, candidate => string.Equals(candidate, directory, PathComparison));

    /// <summary>The root followed by a separator, or standing alone (not the start of a longer name such as "plugins-old").</summary>
    private static Regex RootPattern(string root) =>
        new(Regex.Escape(root) + @"(?:(?<separator>[/\\])|(?![\w-]|\.\w))", PathMatching);

    private static string Trim(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
