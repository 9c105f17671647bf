namespace Krakow.Architecture.Tests.Discovery;

/// <summary>The repository as it is on disk: found by walking up to the solution file, then globbed.</summary>
internal static class RepositoryLayout
{
    public const string SolutionFile = "KrakowPlatform.sln";

    private static readonly Lazy<string> RootFolder = new(FindRoot);

    public static string Root => RootFolder.Value;

    public static string Source => Path.Combine(Root, "src");

    public static string Plugins => Path.Combine(Root, "plugins");

    public static string Tools => Path.Combine(Root, "tools");

    public static string Host => Path.Combine(Source, "Host");

    public static string Modules => Path.Combine(Source, "Modules");

    /// <summary>Every <c>*.csproj</c> below <paramref name="folder"/> (bin and obj left out); none when it does not exist.</summary>
    public static IReadOnlyList<string> ProjectsUnder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(folder, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !Relative(path).Split('/').Any(part => part is "bin" or "obj"))
            .Select(Path.GetFullPath)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The module projects by convention: <c>src/Modules/&lt;Context&gt;/&lt;Project&gt;/&lt;Project&gt;.csproj</c>.</summary>
    public static IReadOnlyList<string> ModuleProjects() =>
        ProjectsUnder(Modules).Where(IsModuleProject).ToList();

    public static bool IsModuleProject(string projectFile)
    {
        var parts = Relative(projectFile).Split('/');
        return parts.Length == 5 && parts[0] == "src" && parts[1] == "Modules"
            && Path.GetFileNameWithoutExtension(parts[4]) == parts[3];
    }

    /// <summary>The context folder of a module project (<c>src/Modules/&lt;Context&gt;/…</c>).</summary>
    public static string ModuleContext(string projectFile) => Relative(projectFile).Split('/')[2];

    public static bool IsUnder(string path, string folder)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.StartsWith(root, StringComparison.Ordinal);
    }

    /// <summary>The path relative to the repository root, with forward slashes.</summary>
    public static string Relative(string path) =>
        Path.GetRelativePath(Root, Path.GetFullPath(path)).Replace(Path.DirectorySeparatorChar, '/');

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, SolutionFile)))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} above {AppContext.BaseDirectory}: the architecture tests run from the repository's build output.");
    }
}
