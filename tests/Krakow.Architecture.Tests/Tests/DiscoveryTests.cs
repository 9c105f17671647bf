using Krakow.Architecture.Tests.Discovery;
using Shouldly;

namespace Krakow.Architecture.Tests.Tests;

/// <summary>
/// Nothing escapes the rules: every project on disk under src/, plugins/ and tools/ was built and read, every module
/// folder follows the convention the rules rely on, and the fixtures are never mistaken for the platform.
/// </summary>
public sealed class DiscoveryTests
{
    [Fact]
    public void Every_project_under_src_plugins_and_tools_was_built_and_read()
    {
        var onDisk = RepositoryLayout.ProjectsUnder(RepositoryLayout.Source)
            .Concat(RepositoryLayout.ProjectsUnder(RepositoryLayout.Plugins))
            .Concat(RepositoryLayout.ProjectsUnder(RepositoryLayout.Tools))
            .Select(RepositoryLayout.Relative)
            .ToList();
        var read = Platforms.Platform.Source.Concat(Platforms.Platform.Plugins).Concat(Platforms.Platform.Tools)
            .Select(subject => RepositoryLayout.Relative(subject.ProjectFile))
            .ToList();

        onDisk.ShouldNotBeEmpty();
        onDisk.Except(read).ShouldBeEmpty(
            "these projects exist on disk but their assemblies were not read by the architecture tests " +
            $"(the test project's ProjectReference globs or {BuildManifest.FileName} missed them)");
        read.Except(onDisk).ShouldBeEmpty("these assemblies were read but their projects are not on disk");
    }

    [Fact]
    public void Every_module_project_on_disk_is_a_discovered_module()
    {
        var onDisk = RepositoryLayout.ModuleProjects().Select(RepositoryLayout.Relative).ToList();
        var discovered = Platforms.Platform.Modules
            .SelectMany(module => new[] { module.Implementation, module.Contracts })
            .OfType<Model.SubjectAssembly>()
            .Select(subject => RepositoryLayout.Relative(subject.ProjectFile))
            .ToList();

        onDisk.ShouldNotBeEmpty("no module project under src/Modules/<Context>/<Project>/<Project>.csproj");
        onDisk.ShouldBe(discovered, ignoreOrder: true,
            "every module project on disk must be a discovered module's implementation or contracts, so that no module escapes the rules");
    }

    [Fact]
    public void Every_module_folder_holds_one_implementation_and_one_contracts_project_named_by_convention()
    {
        var problems = new List<string>();
        foreach (var context in Directory.EnumerateDirectories(RepositoryLayout.Modules).Select(Path.GetFileName).OfType<string>())
        {
            var projects = RepositoryLayout.ProjectsUnder(Path.Combine(RepositoryLayout.Modules, context));
            var expected = new[] { $"Krakow.Modules.{context}", $"Krakow.Modules.{context}.Contracts" };
            var names = projects.Where(RepositoryLayout.IsModuleProject).Select(Path.GetFileNameWithoutExtension).OfType<string>().Order().ToList();
            if (!names.SequenceEqual(expected.Order()))
            {
                problems.Add($"src/Modules/{context}: expected projects {string.Join(" and ", expected)}, found {string.Join(", ", names.DefaultIfEmpty("none"))}");
            }

            problems.AddRange(projects.Where(project => !RepositoryLayout.IsModuleProject(project))
                .Select(project => $"{RepositoryLayout.Relative(project)} is not at src/Modules/<Context>/<Project>/<Project>.csproj, so no module rule would check it"));
        }

        foreach (var module in Platforms.Platform.Modules)
        {
            if (module.Implementation.Name != $"Krakow.Modules.{module.Name}" || module.Contracts?.Name != $"Krakow.Modules.{module.Name}.Contracts")
            {
                problems.Add($"module {module.Name}: assemblies {module.Implementation.Name} and {module.Contracts?.Name ?? "(no contracts)"} do not follow Krakow.Modules.<Context>[.Contracts]");
            }
        }

        problems.ShouldBeEmpty();
    }

    [Fact]
    public void The_host_is_discovered()
    {
        Platforms.Platform.Host.ShouldNotBeNull("no assembly built from src/Host");
        Platforms.Platform.Host.Name.ShouldBe("Krakow.Host");
    }

    [Fact]
    public void The_fixtures_are_built_but_never_part_of_the_platform()
    {
        var fixtures = Platforms.Fixtures.Source.Concat(Platforms.Fixtures.Plugins).Concat(Platforms.Fixtures.Tools).ToList();
        fixtures.Select(fixture => fixture.Name).ShouldBe(
            ["Krakow.Fixtures.Host", "Krakow.Modules.Neighbour", "Krakow.Modules.Violating", "Krakow.Modules.Violating.Contracts", "Krakow.Plugins.Violating", "Krakow.Tools.Violating"],
            ignoreOrder: true);

        var platformNames = Platforms.Platform.Source.Concat(Platforms.Platform.Plugins).Concat(Platforms.Platform.Tools).Select(subject => subject.Name).ToHashSet();
        foreach (var fixture in fixtures)
        {
            RepositoryLayout.IsUnder(fixture.ProjectFile, RepositoryLayout.Source).ShouldBeFalse(fixture.ProjectFile);
            RepositoryLayout.IsUnder(fixture.ProjectFile, RepositoryLayout.Plugins).ShouldBeFalse(fixture.ProjectFile);
            RepositoryLayout.IsUnder(fixture.ProjectFile, RepositoryLayout.Tools).ShouldBeFalse(fixture.ProjectFile);
            platformNames.ShouldNotContain(fixture.Name);

            // Never copied where a host scanning its application's assemblies could find them.
            File.Exists(Path.Combine(AppContext.BaseDirectory, fixture.Name + ".dll")).ShouldBeFalse($"{fixture.Name}.dll was copied next to the tests");
            File.Exists(Path.Combine(Path.GetDirectoryName(Platforms.Platform.Host!.AssemblyFile)!, fixture.Name + ".dll"))
                .ShouldBeFalse($"{fixture.Name}.dll is in the host's output");
        }
    }
}
