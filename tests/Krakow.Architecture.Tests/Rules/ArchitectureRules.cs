using Krakow.Architecture.Tests.Analysis;
using Krakow.Architecture.Tests.Model;
using Mono.Cecil;
using Shouldly;

namespace Krakow.Architecture.Tests.Rules;

/// <summary>
/// The platform's architecture rules. Each takes the assemblies (the real platform or the fixtures) and the
/// module or plugin it is about, builds its target with <see cref="Targets"/>, fails at once when that target is
/// empty, and returns every offending dependency with the path that leads to it.
/// </summary>
internal static class ArchitectureRules
{
    public const string Rule1 = "Rule 1: a module uses another module only through its *.Contracts, never its implementation";
    public const string Rule2 = "Rule 2: contracts build only on the BCL, Krakow.BuildingBlocks.Contracts and other modules' contracts (no EF Core, ASP.NET Core, Redis, Npgsql, Krakow.BuildingBlocks or module implementations)";
    public const string Rule3 = "Rule 3: the host reaches a module only through its contracts and its entry type";
    public const string Rule4 = "Rule 4: nothing in src/ references a plugin assembly";
    public const string Rule5 = "Rule 5: a plugin references only the plugin SDK, Google.Protobuf, Krakow.Grpc.Core, the DI/logging/options abstractions the plugin host shares, and the BCL";
    public const string Rule6 = "Rule 6: a module's Domain depends on none of its Application, Infrastructure or Api, nor on gRPC, protobuf, EF Core, ASP.NET Core, Npgsql or Redis";
    public const string Rule7 = "Rule 7: every type of a module implementation is internal except its one entry type (an IModule)";
    public const string Rule8 = "Rule 8: a tool reaches the platform only over gRPC, as a partner's code does: no module (implementation or contracts), host, building block or plugin assembly";

    /// <summary>
    /// Assemblies a plugin may use besides the BCL and the SDK itself: those the plugin host shares from its own load
    /// context (ARCHITECTURE.md, "Campaign plugins"). Aligned with the loader's allow-list,
    /// src/Modules/Maps/Krakow.Modules.Maps/Infrastructure/Plugins/SharedAssemblies.cs: change both together.
    /// </summary>
    public static readonly IReadOnlyList<string> PluginSharedAssemblies =
    [
        AssemblyKinds.Protobuf,
        AssemblyKinds.GrpcCore,
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.Options",
        "Microsoft.Extensions.Primitives",
    ];

    public static RuleResult ModuleUsesOtherModulesOnlyThroughContracts(PlatformAssemblies platform, ModuleAssemblies module)
    {
        var others = platform.ModuleImplementationNames.Where(name => name != module.Implementation.Name).ToHashSet(StringComparer.Ordinal);
        string? Judge(string assembly) =>
            others.Contains(assembly) ? "implementation of another module"
            : assembly != module.Implementation.Name && AssemblyKinds.IsModuleImplementationName(assembly) ? "named like a module implementation"
            : null;

        return Check(Rule1, Targets.ModuleImplementation(module), dependency => Judge(dependency.TargetAssembly), Judge);
    }

    public static RuleResult ContractsBuildOnlyOnContracts(PlatformAssemblies platform, ModuleAssemblies module)
    {
        var implementations = platform.ModuleImplementationNames;
        var own = module.Contracts?.Name;
        string? Judge(string assembly, string ns) =>
            assembly == own ? null
            : AssemblyKinds.IsEfCore(assembly, ns) ? "EF Core"
            : AssemblyKinds.IsAspNetCore(assembly, ns) ? "ASP.NET Core"
            : AssemblyKinds.IsRedis(assembly) ? "Redis"
            : AssemblyKinds.IsNpgsql(assembly) ? "Npgsql"
            : assembly == AssemblyKinds.BuildingBlocks ? "the building blocks (only Krakow.BuildingBlocks.Contracts is allowed)"
            : implementations.Contains(assembly) || AssemblyKinds.IsModuleImplementationName(assembly) ? "a module implementation"
            : AssemblyKinds.IsBcl(assembly) || assembly == AssemblyKinds.BuildingBlocksContracts || AssemblyKinds.IsModuleContractsName(assembly) ? null
            : "not on the contracts' allow-list (BCL, Krakow.BuildingBlocks.Contracts, modules' contracts)";

        return Check(Rule2, Targets.ModuleContracts(module), dependency => Judge(dependency.TargetAssembly, dependency.TargetNamespace), assembly => Judge(assembly, string.Empty));
    }

    public static RuleResult HostReachesModulesThroughContractsAndEntryTypes(PlatformAssemblies platform)
    {
        var entryTypes = platform.Modules.ToDictionary(
            module => module.Implementation.Name,
            module => module.EntryTypes.Select(type => type.FullName).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

        string? Judge(Dependency dependency)
        {
            if (entryTypes.TryGetValue(dependency.TargetAssembly, out var entries))
            {
                return entries.Contains(dependency.TargetName) ? null : "a module implementation type that is not the module's entry type";
            }

            return AssemblyKinds.IsModuleImplementationName(dependency.TargetAssembly) ? "a type of an undiscovered module implementation" : null;
        }

        return Check(Rule3, Targets.Host(platform), Judge, assemblyJudge: null);
    }

    public static RuleResult SourceDoesNotReferencePlugins(PlatformAssemblies platform)
    {
        platform.Plugins.ShouldNotBeEmpty($"{Rule4}: no plugin assemblies found under plugins/, so this rule has nothing to forbid and would pass vacuously.");
        var plugins = platform.Plugins.Select(plugin => plugin.Name).ToHashSet(StringComparer.Ordinal);
        var sourceNames = platform.Source.Select(assembly => assembly.Name).ToHashSet(StringComparer.Ordinal);
        string? Judge(string assembly) =>
            plugins.Contains(assembly) ? "a plugin assembly"
            : assembly.StartsWith(Discovery.Platforms.PluginPrefix, StringComparison.Ordinal) && !sourceNames.Contains(assembly) ? "named like a plugin assembly"
            : null;

        return Check(Rule4, Targets.Source(platform), dependency => Judge(dependency.TargetAssembly), Judge);
    }

    public static RuleResult PluginReferencesOnlyTheSdk(PlatformAssemblies platform, SubjectAssembly plugin)
    {
        platform.PluginSdk.ShouldNotBeEmpty($"{Rule5}: no plugin SDK assembly (Krakow.Plugins.*) was found under src/.");
        var sdk = platform.PluginSdk.Select(assembly => assembly.Name).ToHashSet(StringComparer.Ordinal);
        var allowed = sdk.Concat(PluginSharedAssemblies).ToHashSet(StringComparer.Ordinal);
        string? Judge(string assembly) =>
            assembly == plugin.Name || allowed.Contains(assembly) || AssemblyKinds.IsBcl(assembly) ? null
            : $"not on the plugin allow-list (the BCL, {string.Join(", ", allowed.Order(StringComparer.Ordinal))})";

        return Check(Rule5, Targets.Plugin(plugin), dependency => Judge(dependency.TargetAssembly), Judge);
    }

    public static RuleResult ToolSpeaksOnlyGrpc(PlatformAssemblies platform, SubjectAssembly tool)
    {
        var platformParts = platform.ModuleImplementationNames
            .Concat(platform.ModuleContractsNames)
            .Concat(platform.Plugins.Select(plugin => plugin.Name))
            .Concat(platform.Host is { } host ? [host.Name] : [])
            .ToHashSet(StringComparer.Ordinal);
        string? Judge(string assembly) =>
            assembly == tool.Name ? null
            : platformParts.Contains(assembly) || AssemblyKinds.IsModuleImplementationName(assembly) || AssemblyKinds.IsModuleContractsName(assembly)
                ? "a part of the platform (module, contracts, host or plugin)"
            : AssemblyKinds.Family(assembly, AssemblyKinds.BuildingBlocks) ? "the platform's building blocks"
            : assembly.StartsWith(Discovery.Platforms.PluginPrefix, StringComparison.Ordinal) ? "the plugin SDK or a plugin"
            : null;

        return Check(Rule8, Targets.Tool(tool), dependency => Judge(dependency.TargetAssembly), Judge);
    }

    public static RuleResult DomainStaysPure(ModuleAssemblies module)
    {
        var root = module.RootNamespace;
        string? Judge(Dependency dependency)
        {
            var assembly = dependency.TargetAssembly;
            var ns = dependency.TargetNamespace;
            if (assembly == module.Implementation.Name)
            {
                foreach (var layer in new[] { "Application", "Infrastructure", "Api" })
                {
                    if (TypeNames.IsInNamespace(ns, $"{root}.{layer}"))
                    {
                        return $"the module's {layer} layer";
                    }
                }

                return IsGeneratedGrpcOrProtobuf(dependency.Target) ? "generated gRPC/protobuf code" : null;
            }

            return AssemblyKinds.IsGrpcOrProtobuf(assembly, ns) ? "gRPC/protobuf"
                : AssemblyKinds.IsEfCore(assembly, ns) ? "EF Core"
                : AssemblyKinds.IsAspNetCore(assembly, ns) ? "ASP.NET Core"
                : AssemblyKinds.IsNpgsql(assembly) ? "Npgsql"
                : AssemblyKinds.IsRedis(assembly) ? "Redis"
                : null;
        }

        return Check(Rule6, Targets.ModuleDomain(module), Judge, assemblyJudge: null);
    }

    public static RuleResult OnlyTheEntryTypeIsPublic(ModuleAssemblies module)
    {
        var target = Targets.ModuleImplementation(module);
        target.Types.ShouldNotBeEmpty(EmptyTarget(Rule7, target));

        var entries = module.EntryTypes;
        var violations = target.Types
            .Where(type => !TypeNames.IsCompilerGenerated(type) && TypeNames.IsVisibleOutsideAssembly(type) && !entries.Contains(type))
            .Select(type => new Violation(type.FullName, "visibility", type.FullName, module.Implementation.Name, "visible outside the assembly but not the entry type"))
            .ToList();
        if (entries.Count != 1)
        {
            violations.Add(new Violation(
                module.Implementation.Name, "entry type", ModuleAssemblies.ModuleInterface, module.Implementation.Name,
                $"expected exactly one public class implementing it, found {entries.Count}: {string.Join(", ", entries.Select(type => type.FullName))}"));
        }

        return new RuleResult(Rule7, target, violations);
    }

    /// <summary>
    /// Runs a dependency rule: fails when the target is empty, then judges every dependency of every type of the
    /// target (and, where the target asks, the assembly's own attributes and assembly references).
    /// </summary>
    private static RuleResult Check(string rule, RuleTarget target, Func<Dependency, string?> judge, Func<string, string?>? assemblyJudge)
    {
        target.Types.ShouldNotBeEmpty(EmptyTarget(rule, target));

        var dependencies = target.Types.SelectMany(DependencyWalker.Of);
        if (target.IncludeAssemblyLevel)
        {
            dependencies = dependencies.Concat(target.Assemblies.SelectMany(assembly => DependencyWalker.OfAssembly(assembly.Definition)));
        }

        var violations = new List<Violation>();
        foreach (var dependency in dependencies)
        {
            if (judge(dependency) is { } reason)
            {
                violations.Add(new Violation(dependency.Source, dependency.Via, dependency.TargetName, dependency.TargetAssembly, reason));
            }
        }

        if (target.IncludeAssemblyLevel && assemblyJudge is not null)
        {
            foreach (var definition in target.Assemblies.Select(assembly => assembly.Definition))
            {
                foreach (var reference in definition.Modules.SelectMany(module => module.AssemblyReferences))
                {
                    if (assemblyJudge(reference.Name) is { } reason)
                    {
                        violations.Add(new Violation($"assembly {definition.Name.Name}", "assembly reference", reference.FullName, reference.Name, reason));
                    }
                }
            }
        }

        return new RuleResult(rule, target, violations.Distinct().ToList());
    }

    private static string EmptyTarget(string rule, RuleTarget target) =>
        $"{rule}: its target ({target.Description}) has no types. A rule over an empty set can never fail, so it fails.";

    /// <summary>
    /// A type of the module itself whose declaration (or that of a type it is nested in) names gRPC or protobuf in
    /// its base type, interfaces, attributes or fields: generated messages (<c>IMessage&lt;T&gt;</c>), service bases
    /// (<c>[BindServiceMethod]</c>), service descriptors (<c>Method&lt;,&gt;</c> fields). They may sit in any namespace
    /// (the proto's <c>csharp_namespace</c>), so the layer names alone would miss them.
    /// </summary>
    private static bool IsGeneratedGrpcOrProtobuf(TypeReference reference)
    {
        for (var type = reference as TypeDefinition ?? TryResolve(reference); type is not null; type = type.DeclaringType)
        {
            var declared = type.Interfaces.Select(implementation => implementation.InterfaceType)
                .Append(type.BaseType)
                .Concat(type.CustomAttributes.Select(attribute => attribute.AttributeType))
                .Concat(type.Fields.Select(field => field.FieldType))
                .OfType<TypeReference>()
                .Select(declaredType => declaredType.GetElementType());
            if (declared.Any(declaredType => AssemblyKinds.IsGrpcOrProtobuf(TypeNames.AssemblyOf(declaredType), TypeNames.NamespaceOf(declaredType))))
            {
                return true;
            }
        }

        return false;
    }

    private static TypeDefinition? TryResolve(TypeReference reference)
    {
        try
        {
            return reference.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }
}
