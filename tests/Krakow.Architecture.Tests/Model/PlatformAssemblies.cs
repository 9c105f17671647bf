namespace Krakow.Architecture.Tests.Model;

/// <summary>
/// The assemblies the rules speak about, by role. The real platform comes from <c>Discovery.Platform</c>; the
/// deliberately violating fixtures form a second, separate instance that only the fixture tests use.
/// </summary>
internal sealed record PlatformAssemblies(
    IReadOnlyList<ModuleAssemblies> Modules,
    SubjectAssembly? Host,
    IReadOnlyList<SubjectAssembly> Source,
    IReadOnlyList<SubjectAssembly> Plugins,
    IReadOnlyList<SubjectAssembly> PluginSdk,
    IReadOnlyList<SubjectAssembly> Tools)
{
    public ModuleAssemblies Module(string name) =>
        Modules.SingleOrDefault(module => module.Name == name)
        ?? throw new InvalidOperationException($"No module named '{name}' was discovered; modules: {string.Join(", ", Modules)}");

    public SubjectAssembly Plugin(string name) =>
        Plugins.SingleOrDefault(plugin => plugin.Name == name)
        ?? throw new InvalidOperationException($"No plugin assembly named '{name}' was discovered; plugins: {string.Join(", ", Plugins)}");

    public SubjectAssembly Tool(string name) =>
        Tools.SingleOrDefault(tool => tool.Name == name)
        ?? throw new InvalidOperationException($"No tool assembly named '{name}' was discovered; tools: {string.Join(", ", Tools)}");

    public IReadOnlySet<string> ModuleImplementationNames =>
        Modules.Select(module => module.Implementation.Name).ToHashSet(StringComparer.Ordinal);

    public IReadOnlySet<string> ModuleContractsNames =>
        Modules.Where(module => module.Contracts is not null).Select(module => module.Contracts!.Name).ToHashSet(StringComparer.Ordinal);
}
