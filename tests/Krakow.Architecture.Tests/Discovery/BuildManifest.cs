namespace Krakow.Architecture.Tests.Discovery;

/// <summary>
/// Where MSBuild put each referenced project's assembly. The test project references every project under
/// <c>src/</c> and <c>plugins/</c> by glob (and the fixtures) with <c>OutputItemType</c>, and its
/// <c>WriteArchitectureManifest</c> target writes one line per built project: <c>kind|project file|assembly file</c>.
/// </summary>
internal static class BuildManifest
{
    public const string FileName = "architecture-manifest.txt";
    public const string SubjectKind = "subject";
    public const string FixtureKind = "fixture";

    private static readonly Lazy<IReadOnlyList<ManifestEntry>> All = new(Read);

    public static IReadOnlyList<ManifestEntry> Entries => All.Value;

    public static IReadOnlyList<ManifestEntry> Subjects => Entries.Where(entry => entry.Kind == SubjectKind).ToList();

    public static IReadOnlyList<ManifestEntry> Fixtures => Entries.Where(entry => entry.Kind == FixtureKind).ToList();

    private static IReadOnlyList<ManifestEntry> Read()
    {
        var path = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: build the test project with MSBuild (dotnet test/build), whose WriteArchitectureManifest target writes it.");
        }

        return File.ReadAllLines(path)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => line.Split('|'))
            .Select(parts => new ManifestEntry(parts[0], Path.GetFullPath(parts[1]), Path.GetFullPath(parts[2])))
            .Where(entry => entry.AssemblyFile.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .DistinctBy(entry => (entry.Kind, entry.ProjectFile))
            .ToList();
    }
}

internal sealed record ManifestEntry(string Kind, string ProjectFile, string AssemblyFile);
