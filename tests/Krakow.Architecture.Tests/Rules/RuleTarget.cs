using Krakow.Architecture.Tests.Analysis;
using Krakow.Architecture.Tests.Model;
using Mono.Cecil;

namespace Krakow.Architecture.Tests.Rules;

/// <summary>
/// The set of types a rule checks, with a description that names it. Every target is made by <see cref="Targets"/>,
/// and checks on construction that each of its types really comes from the assembly it names, so a rule cannot
/// silently check the wrong assembly.
/// </summary>
internal sealed record RuleTarget
{
    public RuleTarget(string description, IEnumerable<SubjectAssembly> assemblies, IEnumerable<TypeDefinition> types, bool includeAssemblyLevel)
    {
        Description = description;
        Assemblies = assemblies.ToList();
        Types = types.ToList();
        IncludeAssemblyLevel = includeAssemblyLevel;

        var definitions = Assemblies.Select(assembly => assembly.Definition).ToHashSet();
        var strangers = Types.Where(type => !definitions.Contains(type.Module.Assembly)).Select(type => $"{type.FullName} [{type.Module.Assembly.Name.Name}]").ToList();
        if (strangers.Count > 0)
        {
            throw new InvalidOperationException(
                $"Target '{description}' holds types that are not from {string.Join(", ", Assemblies.Select(assembly => assembly.Name).DefaultIfEmpty("any assembly"))}: {string.Join(", ", strangers)}");
        }
    }

    public string Description { get; }

    /// <summary>The assemblies the target's types come from (none when discovery found none).</summary>
    public IReadOnlyList<SubjectAssembly> Assemblies { get; }

    public IReadOnlyList<TypeDefinition> Types { get; }

    /// <summary>Whether the assemblies' own attributes, forwarded types and references count as dependencies of the target.</summary>
    public bool IncludeAssemblyLevel { get; }

    public override string ToString() => Description;
}

/// <summary>The one helper that names each rule's target set.</summary>
internal static class Targets
{
    public static RuleTarget ModuleImplementation(ModuleAssemblies module) => new(
        $"every type of module {module.Name}'s implementation assembly {module.Implementation.Name} ({Where(module.Implementation)})",
        [module.Implementation],
        module.Implementation.Types,
        includeAssemblyLevel: true);

    public static RuleTarget ModuleContracts(ModuleAssemblies module) => module.Contracts is null
        ? new($"module {module.Name}'s contracts assembly {module.Implementation.Name}.Contracts (none was found)", [], [], includeAssemblyLevel: false)
        : new($"every type of module {module.Name}'s contracts assembly {module.Contracts.Name} ({Where(module.Contracts)})",
            [module.Contracts],
            module.Contracts.Types,
            includeAssemblyLevel: true);

    /// <summary>The types of the module's <c>&lt;root&gt;.Domain</c> namespace and below, with their nested (compiler-generated) types.</summary>
    public static RuleTarget ModuleDomain(ModuleAssemblies module) => new(
        $"the types of namespace {module.RootNamespace}.Domain* in {module.Implementation.Name} ({Where(module.Implementation)})",
        [module.Implementation],
        module.Implementation.Types.Where(type => TypeNames.IsInNamespace(TypeNames.NamespaceOf(type), module.RootNamespace + ".Domain")),
        includeAssemblyLevel: false);

    public static RuleTarget Host(PlatformAssemblies platform) => platform.Host is null
        ? new("the host assembly (none was found under src/Host)", [], [], includeAssemblyLevel: false)
        : new($"every type of the host assembly {platform.Host.Name} ({Where(platform.Host)})", [platform.Host], platform.Host.Types, includeAssemblyLevel: true);

    /// <summary>Every assembly built from <c>src/</c> (for the fixtures: every fixture but the plugin).</summary>
    public static RuleTarget Source(PlatformAssemblies platform) => new(
        $"every type of the {platform.Source.Count} assemblies built from src/ ({string.Join(", ", platform.Source.Select(assembly => assembly.Name))})",
        platform.Source,
        platform.Source.SelectMany(assembly => assembly.Types),
        includeAssemblyLevel: true);

    public static RuleTarget Plugin(SubjectAssembly plugin) => new(
        $"every type of plugin assembly {plugin.Name} ({Where(plugin)})", [plugin], plugin.Types, includeAssemblyLevel: true);

    public static RuleTarget Tool(SubjectAssembly tool) => new(
        $"every type of tool assembly {tool.Name} ({Where(tool)})", [tool], tool.Types, includeAssemblyLevel: true);

    private static string Where(SubjectAssembly assembly) => Path.GetFileName(assembly.ProjectFile);
}
