using System.Runtime.CompilerServices;
using Mono.Cecil;

namespace Krakow.Architecture.Tests.Analysis;

/// <summary>What the rules need to know about a type reference without resolving it.</summary>
internal static class TypeNames
{
    /// <summary>The assembly a type reference points into (the scope recorded in metadata).</summary>
    public static string AssemblyOf(TypeReference type)
    {
        while (type.IsNested)
        {
            type = type.DeclaringType;
        }

        return type.Scope switch
        {
            ModuleDefinition module => module.Assembly.Name.Name,
            AssemblyNameReference assembly => assembly.Name,
            ModuleReference module => module.Name,
            _ => "<unknown scope>",
        };
    }

    /// <summary>The namespace of the outermost declaring type: nested types (closures, state machines) have none of their own.</summary>
    public static string NamespaceOf(TypeReference type)
    {
        while (type.IsNested)
        {
            type = type.DeclaringType;
        }

        return type.Namespace;
    }

    public static string FullName(TypeReference type) => type.FullName;

    /// <summary>True when <paramref name="ns"/> is <paramref name="root"/> or one of its sub-namespaces.</summary>
    public static bool IsInNamespace(string ns, string root) =>
        ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal);

    /// <summary>True for a type the compiler made (closures, state machines, fixed buffers, <c>&lt;Module&gt;</c>…).</summary>
    public static bool IsCompilerGenerated(TypeDefinition type)
    {
        for (var current = type; current is not null; current = current.DeclaringType)
        {
            if (current.Name.StartsWith('<') || current.CustomAttributes.Any(a => a.AttributeType.FullName == typeof(CompilerGeneratedAttribute).FullName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether code outside the assembly can name the type: public, and every declaring type too.</summary>
    public static bool IsVisibleOutsideAssembly(TypeDefinition type)
    {
        for (var current = type; current is not null; current = current.DeclaringType)
        {
            var visible = current.IsNested
                ? current.IsNestedPublic || current.IsNestedFamily || current.IsNestedFamilyOrAssembly
                : current.IsPublic;
            if (!visible)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the type implements the interface named <paramref name="interfaceFullName"/>, directly or through its base types.</summary>
    public static bool Implements(TypeDefinition type, string interfaceFullName)
    {
        for (TypeDefinition? current = type; current is not null; current = TryResolve(current.BaseType))
        {
            if (current.Interfaces.Any(i => i.InterfaceType.FullName == interfaceFullName))
            {
                return true;
            }
        }

        return false;
    }

    private static TypeDefinition? TryResolve(TypeReference? type)
    {
        if (type is null)
        {
            return null;
        }

        try
        {
            return type.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }
}
