using Krakow.Architecture.Tests.Analysis;
using Mono.Cecil;

namespace Krakow.Architecture.Tests.Model;

/// <summary>A bounded-context module: its implementation assembly and its contracts assembly.</summary>
internal sealed record ModuleAssemblies(string Name, SubjectAssembly Implementation, SubjectAssembly? Contracts)
{
    public const string ModuleInterface = "Krakow.BuildingBlocks.Modules.IModule";

    /// <summary>The module's root namespace: that of its implementation assembly (<c>Krakow.Modules.&lt;Name&gt;</c>).</summary>
    public string RootNamespace => Implementation.Name;

    /// <summary>The public classes of the implementation that implement <see cref="ModuleInterface"/>: there should be exactly one.</summary>
    public IReadOnlyList<TypeDefinition> EntryTypes => Implementation.Types
        .Where(type => type.IsClass && !type.IsAbstract && TypeNames.IsVisibleOutsideAssembly(type) && TypeNames.Implements(type, ModuleInterface))
        .ToList();

    public override string ToString() => Name;
}
