using Mono.Cecil;

namespace Krakow.Architecture.Tests.Model;

/// <summary>A built assembly under test and the project it was built from.</summary>
internal sealed record SubjectAssembly(string ProjectFile, string AssemblyFile, AssemblyDefinition Definition)
{
    public string Name => Definition.Name.Name;

    /// <summary>Every type, nested and compiler-generated ones included (closures, state machines), except <c>&lt;Module&gt;</c>.</summary>
    public IReadOnlyList<TypeDefinition> Types => Definition.Modules
        .SelectMany(module => module.GetTypes())
        .Where(type => type.FullName != "<Module>")
        .ToList();

    public override string ToString() => Name;
}
