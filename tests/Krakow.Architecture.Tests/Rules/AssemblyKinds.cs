using System.Runtime.InteropServices;
using Krakow.Architecture.Tests.Analysis;

namespace Krakow.Architecture.Tests.Rules;

/// <summary>Names of the assembly families the rules allow or forbid.</summary>
internal static class AssemblyKinds
{
    public const string BuildingBlocks = "Krakow.BuildingBlocks";
    public const string BuildingBlocksContracts = "Krakow.BuildingBlocks.Contracts";
    public const string GrpcCore = "Krakow.Grpc.Core";
    public const string Protobuf = "Google.Protobuf";

    private static readonly Lazy<IReadOnlySet<string>> BaseClassLibrary = new(() =>
        Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// The BCL: exactly the assemblies of the Microsoft.NETCore.App shared framework the tests run on (System.*,
    /// mscorlib, netstandard, Microsoft.Win32.*, Microsoft.CSharp…). ASP.NET Core's framework and Microsoft.Extensions.* are not in it.
    /// </summary>
    public static bool IsBcl(string assembly) => BaseClassLibrary.Value.Contains(assembly);

    public static bool IsEfCore(string assembly, string ns) =>
        Family(assembly, "Microsoft.EntityFrameworkCore") || TypeNames.IsInNamespace(ns, "Microsoft.EntityFrameworkCore");

    public static bool IsAspNetCore(string assembly, string ns) =>
        Family(assembly, "Microsoft.AspNetCore") || TypeNames.IsInNamespace(ns, "Microsoft.AspNetCore");

    public static bool IsRedis(string assembly) => Family(assembly, "StackExchange.Redis");

    public static bool IsNpgsql(string assembly) => Family(assembly, "Npgsql");

    /// <summary>The gRPC surface and runtime (ours: Krakow.Grpc.*, namespaces Grpc.*) and protobuf.</summary>
    public static bool IsGrpcOrProtobuf(string assembly, string ns) =>
        Family(assembly, "Krakow.Grpc") || Family(assembly, "Grpc") || Family(assembly, Protobuf)
        || TypeNames.IsInNamespace(ns, "Grpc") || TypeNames.IsInNamespace(ns, Protobuf);

    public static bool IsModuleImplementationName(string assembly) =>
        assembly.StartsWith(Discovery.Platforms.ModulePrefix, StringComparison.Ordinal)
        && !assembly.EndsWith(Discovery.Platforms.ContractsSuffix, StringComparison.Ordinal);

    public static bool IsModuleContractsName(string assembly) =>
        assembly.StartsWith(Discovery.Platforms.ModulePrefix, StringComparison.Ordinal)
        && assembly.EndsWith(Discovery.Platforms.ContractsSuffix, StringComparison.Ordinal);

    /// <summary><paramref name="assembly"/> is <paramref name="family"/> or <c>family.*</c>.</summary>
    public static bool Family(string assembly, string family) => TypeNames.IsInNamespace(assembly, family);
}
