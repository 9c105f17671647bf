using Krakow.Architecture.Tests.Analysis;
using Krakow.Architecture.Tests.Model;

namespace Krakow.Architecture.Tests.Discovery;

/// <summary>
/// Builds the two sets of assemblies the tests speak about: the real platform (from the build manifest's
/// subjects, classified by where their project sits on disk) and the violating fixtures (classified by name).
/// </summary>
internal static class Platforms
{
    public const string ModulePrefix = "Krakow.Modules.";
    public const string ContractsSuffix = ".Contracts";
    public const string PluginPrefix = "Krakow.Plugins.";
    public const string ToolPrefix = "Krakow.Tools.";
    public const string FixtureHostName = "Krakow.Fixtures.Host";

    private static readonly Lazy<PlatformAssemblies> RealPlatform = new(LoadPlatform);
    private static readonly Lazy<PlatformAssemblies> FixturePlatform = new(LoadFixtures);

    /// <summary>The platform under test: every project under <c>src/</c>, <c>plugins/</c> and <c>tools/</c>.</summary>
    public static PlatformAssemblies Platform => RealPlatform.Value;

    /// <summary>The deliberately violating fixtures under <c>tests/Krakow.Architecture.Tests/Fixtures</c>.</summary>
    public static PlatformAssemblies Fixtures => FixturePlatform.Value;

    private static PlatformAssemblies LoadPlatform()
    {
        var reader = new AssemblyReader();
        var subjects = BuildManifest.Subjects
            .Where(entry => RepositoryLayout.IsUnder(entry.ProjectFile, RepositoryLayout.Source)
                || RepositoryLayout.IsUnder(entry.ProjectFile, RepositoryLayout.Plugins)
                || RepositoryLayout.IsUnder(entry.ProjectFile, RepositoryLayout.Tools))
            .Where(entry => File.Exists(entry.AssemblyFile))
            .Select(entry => new SubjectAssembly(entry.ProjectFile, entry.AssemblyFile, reader.Read(entry.AssemblyFile)))
            .ToList();

        var source = subjects.Where(subject => RepositoryLayout.IsUnder(subject.ProjectFile, RepositoryLayout.Source)).ToList();
        var hosts = source.Where(subject => RepositoryLayout.IsUnder(subject.ProjectFile, RepositoryLayout.Host)).ToList();
        var moduleProjects = source.Where(subject => RepositoryLayout.IsModuleProject(subject.ProjectFile)).ToList();

        var modules = moduleProjects
            .Where(project => !project.Name.EndsWith(ContractsSuffix, StringComparison.Ordinal))
            .Select(implementation => new ModuleAssemblies(
                ModuleName(implementation.Name),
                implementation,
                moduleProjects.SingleOrDefault(project => project.Name == implementation.Name + ContractsSuffix)))
            .OrderBy(module => module.Name, StringComparer.Ordinal)
            .ToList();

        return new PlatformAssemblies(
            modules,
            hosts.Count == 1 ? hosts[0] : null,
            source,
            subjects.Where(subject => RepositoryLayout.IsUnder(subject.ProjectFile, RepositoryLayout.Plugins)).ToList(),
            source.Where(subject => subject.Name.StartsWith(PluginPrefix, StringComparison.Ordinal)).ToList(),
            subjects.Where(subject => RepositoryLayout.IsUnder(subject.ProjectFile, RepositoryLayout.Tools)).ToList());
    }

    private static PlatformAssemblies LoadFixtures()
    {
        var reader = new AssemblyReader();
        var fixtures = BuildManifest.Fixtures
            .Select(entry => new SubjectAssembly(entry.ProjectFile, entry.AssemblyFile, reader.Read(entry.AssemblyFile)))
            .ToList();

        var modules = fixtures
            .Where(fixture => fixture.Name.StartsWith(ModulePrefix, StringComparison.Ordinal) && !fixture.Name.EndsWith(ContractsSuffix, StringComparison.Ordinal))
            .Select(implementation => new ModuleAssemblies(
                ModuleName(implementation.Name),
                implementation,
                fixtures.SingleOrDefault(fixture => fixture.Name == implementation.Name + ContractsSuffix)))
            .ToList();
        var plugins = fixtures.Where(fixture => fixture.Name.StartsWith(PluginPrefix, StringComparison.Ordinal)).ToList();
        var tools = fixtures.Where(fixture => fixture.Name.StartsWith(ToolPrefix, StringComparison.Ordinal)).ToList();

        return new PlatformAssemblies(
            modules,
            fixtures.SingleOrDefault(fixture => fixture.Name == FixtureHostName),
            fixtures.Except(plugins).Except(tools).ToList(),
            plugins,
            // The fixture plugin is built on the real SDK.
            Platform.PluginSdk,
            tools);
    }

    private static string ModuleName(string assemblyName) =>
        assemblyName.StartsWith(ModulePrefix, StringComparison.Ordinal) ? assemblyName[ModulePrefix.Length..] : assemblyName;
}
