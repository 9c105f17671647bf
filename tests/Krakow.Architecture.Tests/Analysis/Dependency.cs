using Mono.Cecil;

namespace Krakow.Architecture.Tests.Analysis;

/// <summary>
/// One edge of the dependency graph: <see cref="Source"/> (a type, or an assembly for assembly-level attributes)
/// names <see cref="Target"/> through <see cref="Via"/> (a field, a method's body, a catch clause…).
/// <see cref="Target"/> is always a named type: arrays, pointers, by-refs, modifiers and generic instances are
/// taken apart by the walker, and generic parameters are not dependencies.
/// </summary>
internal sealed record Dependency(string Source, string Via, TypeReference Target)
{
    public string TargetName => TypeNames.FullName(Target);

    public string TargetAssembly => TypeNames.AssemblyOf(Target);

    public string TargetNamespace => TypeNames.NamespaceOf(Target);

    /// <summary>E.g. <c>Krakow.Modules.Maps.Api.X -> field y : Krakow.Modules.Metropolis.Domain.Member [Krakow.Modules.Metropolis]</c>.</summary>
    public override string ToString() => $"{Source} -> {Via} : {TargetName} [{TargetAssembly}]";
}
