using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// What a plugin may use besides its own folder. The shared assemblies come only from the host (the default load
/// context), so that the types a plugin and the host exchange are the same types: a plugin that brought its own
/// copy of the SDK would hand back a CampaignDefinition the host cannot cast. Framework assemblies are the
/// Microsoft.NETCore.App shared framework the host runs on; ASP.NET Core and everything else of the host are not
/// for plugins.
/// </summary>
internal sealed class SharedAssemblies
{
    public const string SdkName = "Krakow.Plugins.Sdk";

    /// <summary>The explicit allow-list: the contract and what plugin gRPC services and logging need to unify with the host.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        SdkName,
        "Krakow.Grpc.Core",
        "Google.Protobuf",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.Options",
        "Microsoft.Extensions.Primitives",
    };

    private readonly string frameworkDirectory = RuntimeEnvironment.GetRuntimeDirectory();
    private readonly Dictionary<string, Version?> hostVersions = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>The plugin API this host implements: the SDK's assembly major version.</summary>
    public static int ApiVersion => PluginApi.Version;

    public static bool IsShared(string name) => Names.Contains(name);

    /// <summary>The platform's own assemblies, which no plugin may reference even if it ships a copy of them.</summary>
    public static bool IsForbidden(string name) =>
        name == "Krakow.Host"
        || name.StartsWith("Krakow.Modules.", StringComparison.Ordinal)
        || name.StartsWith("Krakow.BuildingBlocks", StringComparison.Ordinal)
        || (name.StartsWith("Krakow.Grpc.", StringComparison.Ordinal) && !IsShared(name));

    /// <summary>An assembly of the Microsoft.NETCore.App shared framework (System.*, netstandard, mscorlib, …).</summary>
    public bool IsFramework(string name) =>
        name.Length > 0 && name.IndexOfAny(['/', '\\']) < 0 && File.Exists(Path.Combine(frameworkDirectory, name + ".dll"));

    /// <summary>The version of a shared or framework assembly the host provides (null if it provides none).</summary>
    public Version? HostVersion(string name)
    {
        lock (gate)
        {
            if (!hostVersions.TryGetValue(name, out var version))
            {
                version = FindHostVersion(name);
                hostVersions[name] = version;
            }

            return version;
        }
    }

    private Version? FindHostVersion(string name)
    {
        var loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == name);
        if (loaded is not null)
        {
            return loaded.GetName().Version;
        }

        var candidate = Path.Combine(frameworkDirectory, name + ".dll");
        if (File.Exists(candidate))
        {
            return AssemblyName.GetAssemblyName(candidate).Version;
        }

        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name)).GetName().Version;
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }
}
